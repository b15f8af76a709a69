package et.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TerminalChannelsTest {
  @Test
  void labelsAreTheOnesOfTerminalMd() {
    List<String> labels =
        List.of(TerminalChannels.TERMINAL, TerminalChannels.RESIZE, TerminalChannels.STDIN, TerminalChannels.STDOUT,
            TerminalChannels.STDERR, TerminalChannels.FORWARD, TerminalChannels.LISTEN, TerminalChannels.REVERSE,
            TerminalChannels.AGENT, TerminalChannels.HOST_REQUEST);
    assertEquals(List.of("terminal", "resize", "stdin", "stdout", "stderr", "forward", "listen", "reverse", "agent", "host-request"),
        labels);
    assertEquals(labels.size(), Set.copyOf(labels).size());
  }
}
