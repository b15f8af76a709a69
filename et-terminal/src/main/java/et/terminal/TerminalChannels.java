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
   * A forwarded connection, opened by the client at any time in the session: an {@code Endpoint}
   * (where the server connects), the server's {@code ForwardReply}, then the connection's bytes
   * both ways.
   */
  public static final String FORWARD = "forward";
  /**
   * A reverse tunnel's listener, asked for by the client: an {@code Endpoint} (where the host
   * listens), the host's {@code ForwardReply} (listening, or why not), then the channel closes; the
   * listener lives as long as the session.
   */
  public static final String LISTEN = "listen";
  /**
   * A connection to a reverse tunnel's listener, opened by the host: the listener's {@link
   * Endpoint} as the client asked for it, the client's {@code ForwardReply}, then the connection's
   * bytes both ways. The client alone chooses where it connects.
   */
  public static final String REVERSE = "reverse";
  /**
   * A connection to the session's agent socket (SSH_AUTH_SOCK on the host), opened by the host when
   * the client asked for agent forwarding: as {@link #REVERSE}, the client connects it to its own
   * agent.
   */
  public static final String AGENT = "agent";
  /**
   * A host request on behalf of another et of the same user on the client's machine (session
   * sharing), opened by the client at any time in the session: one {@link HostRequest} line, the
   * host's {@link BootstrapReply} line as it answers etterminal, then the channel closes.
   */
  public static final String HOST_REQUEST = "host-request";

  private TerminalChannels() {}
}
