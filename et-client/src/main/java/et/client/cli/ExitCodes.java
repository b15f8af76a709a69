package et.client.cli;

/**
 * Exit statuses of {@code et}.
 *
 * <p>Once a session runs, et exits with the status of the remote shell or command (carried by the
 * session's close), like ssh, or with {@link #DISCONNECTED} when the session ended otherwise. If ssh
 * itself fails during the bootstrap, et exits with ssh's status (255). Before that, et uses its own codes. ssh reserves 255 for its own
 * failures; et follows the common command-line convention instead for the one failure that is
 * found before anything runs: 2 for a usage error (picocli's default, GNU tools, bash builtins), so
 * scripts can tell "you called me wrong" from "it did not work" (1). A remote command may of course
 * exit with 1 or 2 itself: as with ssh's 255, the message on stderr tells the two apart.
 */
public final class ExitCodes {

  /** Everything went well (or {@code --help} / {@code --version}). */
  public static final int OK = 0;
  /** et itself failed before the session ran: could not bootstrap (etterminal missing, refused, silent) or connect. */
  public static final int FAILURE = 1;
  /** The command line is wrong; nothing was started. */
  public static final int USAGE = 2;

  /**
   * A running session ended without the remote status: {@code ~.}, the local terminal closed, or the
   * session was lost (as ssh, which exits 255 when its connection breaks).
   */
  public static final int DISCONNECTED = 255;

  private ExitCodes() {
  }
}
