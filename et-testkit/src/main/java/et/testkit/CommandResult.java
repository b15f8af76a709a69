package et.testkit;

import java.time.Duration;

/**
 * What a finished command left behind: its exit status, what it wrote to stdout and stderr (decoded
 * as UTF-8, cut at {@link Commands#OUTPUT_LIMIT} bytes each, {@code truncated} then set), and how
 * long it ran from start to exit.
 */
public record CommandResult(
    int status, String stdout, String stderr, Duration elapsed, boolean truncated) {

  /** True when the command exited with status 0. */
  public boolean succeeded() {
    return status == 0;
  }

  @Override
  public String toString() {
    return "status "
        + status
        + " after "
        + elapsed.toMillis()
        + " ms"
        + (truncated ? " (output truncated)" : "")
        + "\n--- stdout ---\n"
        + excerpt(stdout)
        + "\n--- stderr ---\n"
        + excerpt(stderr);
  }

  // Failure messages stay readable even when a command printed a lot.
  private static String excerpt(String text) {
    int max = 4000;
    return text.length() <= max ? text : text.substring(0, max) + "... (" + text.length() + " chars)";
  }
}
