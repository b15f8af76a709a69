package et.client.testing;

import et.core.Channel;
import et.core.EternalServer;
import et.core.Session;
import et.core.SessionOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The server side of a client test, in process: an {@link EternalServer} on loopback with one
 * session waiting for the client. The test plays etterminal and the session host: it accepts the
 * client's channels and writes and reads them itself.
 */
public final class InProcessHost implements AutoCloseable {

  private final EternalServer server;
  private final Session session;
  private final Map<String, Channel> accepted = new HashMap<>();

  private InProcessHost(EternalServer server) {
    this.server = server;
    this.session = server.newSession();
  }

  public static InProcessHost start() throws IOException {
    return new InProcessHost(EternalServer.start(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), SessionOptions.defaults()));
  }

  public int port() {
    return server.port();
  }

  public Session session() {
    return session;
  }

  /**
   * The channel the client opened with {@code label}, waiting up to {@code timeout} for it; channels
   * accepted meanwhile under other labels are kept for later calls.
   */
  public Channel channel(String label, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!accepted.containsKey(label)) {
      long left = deadline - System.nanoTime();
      Channel channel = left > 0 ? session.acceptChannel(Duration.ofNanos(left)) : null;
      if (channel == null) {
        throw new AssertionError("no channel '" + label + "' within " + timeout + "; got " + accepted.keySet()
            + ", session " + session.state() + " " + session.end());
      }
      if (accepted.put(channel.label(), channel) != null) {
        throw new AssertionError("the client opened '" + channel.label() + "' twice");
      }
    }
    return accepted.get(label);
  }

  @Override
  public void close() {
    server.close();
  }
}
