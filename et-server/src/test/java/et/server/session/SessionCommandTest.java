package et.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import et.server.process.CommandSpec;
import et.terminal.BootstrapNonce;
import et.terminal.BootstrapRequest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import org.junit.jupiter.api.Test;

/** What a session runs with: of the request's environment only the locale and COLORTERM. */
class SessionCommandTest {
  @Test
  void aRequestSetsItsLocaleAndColoursButNeverThePathOrPreloads() {
    SequencedMap<String, String> env = new LinkedHashMap<>();
    env.put("LANG", "de_DE.UTF-8");
    env.put("LC_TIME", "en_GB.UTF-8");
    env.put("COLORTERM", "truecolor");
    env.put("PATH", "/tmp/evil");
    env.put("LD_PRELOAD", "/tmp/evil.so");
    env.put("BASH_ENV", "/tmp/evil.sh");
    env.put("DISPLAY", ":1");
    BootstrapRequest request = new BootstrapRequest(BootstrapNonce.random(), "xterm", 80, 24, Optional.empty(), false, env);
    Path home = Path.of("/home/someone");
    for (CommandSpec spec : new CommandSpec[] {SessionCommand.forTerminal(request, home), SessionCommand.forPipes(request, home)}) {
      assertEquals(Map.of("HOME", "/home/someone", "LANG", "de_DE.UTF-8", "LC_TIME", "en_GB.UTF-8", "COLORTERM", "truecolor"),
          spec.environment());
      assertEquals(CommandSpec.DEFAULT_PATH, spec.fullEnvironment().get("PATH"));
    }
  }
}
