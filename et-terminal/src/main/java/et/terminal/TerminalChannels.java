package et.terminal;

/**
 * The labels of a terminal session's channels (docs/TERMINAL.md). With a local terminal the client
 * opens {@link #TERMINAL} and {@link #RESIZE}; without one ({@code et host -c CMD}, stdin not a TTY)
 * it opens {@link #STDIN}, {@link #STDOUT} and {@link #STDERR} and the command runs without a PTY.
 */
public final class TerminalChannels {
  /** Raw terminal bytes both ways: keystrokes in, PTY output out. Opened by the client. */
  public static final String TERMINAL = "terminal";
  /** {@link ResizeEvent}s from the client, the first one at start. Opened by the client. */
  public static final String RESIZE = "resize";
  /** Client to server bytes; EOF when the client's stdin ends. */
  public static final String STDIN = "stdin";
  /** The command's stdout, server to client. */
  public static final String STDOUT = "stdout";
  /** The command's stderr, server to client. */
  public static final String STDERR = "stderr";
  /**
   * A forwarded connection, opened by the client at any time in the session: an {@link Endpoint}
   * (where the server connects), the server's {@link ForwardReply}, then the connection's bytes
   * both ways.
   */
  public static final String FORWARD = "forward";

  private TerminalChannels() {}
}
