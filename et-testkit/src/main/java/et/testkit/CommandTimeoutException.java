package et.testkit;

import java.time.Duration;
import java.util.List;

/**
 * A command did not exit within its timeout; it and its descendants were killed. The message holds
 * what the command had printed until then.
 */
public final class CommandTimeoutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CommandTimeoutException(List<String> command, Duration timeout, String stdout, String stderr) {
    super(
        "no exit within "
            + timeout.toMillis()
            + " ms: "
            + command
            + "\n--- stdout so far ---\n"
            + stdout
            + "\n--- stderr so far ---\n"
            + stderr);
  }
}
