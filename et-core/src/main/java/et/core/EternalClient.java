package et.core;

import et.core.resume.Dialer;
import et.core.transport.Transport;
import et.core.resume.RefusedException;
import et.core.resume.ResumableStream;
import et.core.task.TaskGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/** Connects to sessions that an {@link EternalServer} made. */
public final class EternalClient {
  private EternalClient() {}

  /**
   * Connects to the session named by {@code credentials}; the first connection is made before this
   * returns, so an unreachable server or a refusal is reported here. Afterwards the session
   * reconnects by itself.
   */
  public static Session connect(
      InetSocketAddress server, SessionCredentials credentials, SessionOptions options)
      throws IOException {
    return connect(() -> server, credentials, options, null);
  }

  /** As above, asking {@code server} for the address before every connection attempt. */
  public static Session connect(
      Supplier<InetSocketAddress> server, SessionCredentials credentials, SessionOptions options)
      throws IOException {
    return connect(server, credentials, options, null);
  }

  /**
   * As above; the session's
   * task group is a child of {@code parent}, or the root of a tree of its own when it is null.
   */
  public static Session connect(
      Supplier<InetSocketAddress> server, SessionCredentials credentials, SessionOptions options, TaskGroup parent)
      throws IOException {
    return connect(Transport.tcp(server), credentials, options, parent);
  }

  /** As above, opening every connection with {@code transport}. */
  public static Session connect(
      Transport transport, SessionCredentials credentials, SessionOptions options, TaskGroup parent)
      throws IOException {
    ResumableStream stream;
    try {
      stream =
          ResumableStream.connect(
              credentials.id().bytes(),
              credentials.secret(),
              options.liveness(),
              options.connectionThreads().readerFactory(),
              new Dialer(transport));
    } catch (RefusedException e) {
      throw new SessionRefusedException(e.getMessage());
    }
    return Session.start(credentials, stream, true, options, end -> {}, parent);
  }
}
