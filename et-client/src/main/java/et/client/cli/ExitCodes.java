package et.client.cli;

/**
 * Exit statuses of {@code et}.
 *
 * <p>Once a session runs, et exits with the status of the remote shell or command (carried by the
 * session's close), like ssh. Before that, et uses its own codes. ssh reserves 255 for its own
 * failures; et follows the common command-line convention instead for the one failure that is
 * found before anything runs: 2 for a usage error (picocli's default, GNU tools, bash builtins), so
 * scripts can tell "you called me wrong" from "it did not work" (1). A remote command may of course
 * exit with 1 or 2 itself: as with ssh's 255, the message on stderr tells the two apart.
 */
public final class ExitCodes {

  /** Everything went well (or {@code --help} / {@code --version}). */
  public static final int OK = 0;
  /** et itself failed: could not bootstrap, connect or resume, or (for now) the session is not implemented. */
  public static final int FAILURE = 1;
  /** The command line is wrong; nothing was started. */
  public static final int USAGE = 2;

  private ExitCodes() {
  }
}
