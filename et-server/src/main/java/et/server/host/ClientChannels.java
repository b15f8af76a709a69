package et.server.host;

import et.core.Channel;
import et.core.Session;
import et.terminal.TerminalChannels;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The channels the client opened for its terminal session (docs/TERMINAL.md), and the mode they
 * choose. The first channel decides: {@code terminal} or {@code resize} means terminal mode (the
 * program runs in a PTY) and the other of the two must follow; {@code stdin}, {@code stdout} or
 * {@code stderr} means pipe mode (no PTY) and the other two must follow. The rest may come in any
 * order; a channel of the other mode, a repeated or an unknown label is refused.
 */
record ClientChannels(Mode mode, Map<String, Channel> byLabel) {

  enum Mode {
    TERMINAL(Set.of(TerminalChannels.TERMINAL, TerminalChannels.RESIZE)),
    PIPES(Set.of(TerminalChannels.STDIN, TerminalChannels.STDOUT, TerminalChannels.STDERR));

    final Set<String> labels;

    Mode(Set<String> labels) {
      this.labels = labels;
    }
  }

  /** The client did not open a valid set of channels in time; the message says what went wrong. */
  static final class SetupException extends Exception {
    SetupException(String message) {
      super(message);
    }
  }

  ClientChannels {
    byLabel = Map.copyOf(byLabel);
  }

  Channel get(String label) {
    return byLabel.get(label);
  }

  /**
   * Accepts channels of {@code session} until one mode's set is complete, all within {@code wait}.
   *
   * @throws SetupException when the time is up, the session ended, or a channel does not fit
   */
  static ClientChannels await(Session session, Duration wait) throws SetupException, InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    Mode mode = null;
    Map<String, Channel> opened = new HashMap<>();
    while (mode == null || opened.size() < mode.labels.size()) {
      long left = deadline - System.nanoTime();
      Channel channel = left > 0 ? session.acceptChannel(Duration.ofNanos(left)) : null;
      if (channel == null) {
        String state = session.end() != null ? "the session ended (" + session.end().reason() + ")" : "timed out";
        throw new SetupException(
            opened.isEmpty()
                ? "the client opened no channel within " + wait.toSeconds() + " s: " + state
                : "the client opened only " + opened.keySet() + " within " + wait.toSeconds() + " s: " + state);
      }
      String label = channel.label();
      if (mode == null) {
        mode = modeOf(label);
        if (mode == null) {
          throw new SetupException("unexpected first channel \"" + printable(label) + "\" (expected terminal, resize, stdin, stdout or stderr)");
        }
      }
      if (!mode.labels.contains(label)) {
        throw new SetupException("channel \"" + printable(label) + "\" does not belong to " + mode.name().toLowerCase() + " mode");
      }
      if (opened.putIfAbsent(label, channel) != null) {
        throw new SetupException("channel \"" + label + "\" opened twice");
      }
    }
    return new ClientChannels(mode, opened);
  }

  private static Mode modeOf(String label) {
    for (Mode mode : Mode.values()) {
      if (mode.labels.contains(label)) {
        return mode;
      }
    }
    return null;
  }

  // A label is remote text: cut and without control characters before it reaches a log or reason.
  private static String printable(String label) {
    StringBuilder shown = new StringBuilder();
    label.codePoints().limit(40).forEach(c -> shown.append(Character.isISOControl(c) ? "?" : Character.toString(c)));
    return shown.toString();
  }
}
