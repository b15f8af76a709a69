package et.server.host;

import et.core.EternalServer;
import et.core.SessionOptions;
import et.core.relay.Relay;
import et.core.task.TaskGroup;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.tinylog.Logger;

/** Starts the {@link EternalServer} on the first free port from the configured one upward. */
final class TcpListen {
  private TcpListen() {}

  /**
   * Listens on {@code bind} (all addresses when empty) at {@code firstPort}, or at the next free
   * port above it, trying at most {@code attempts} ports. Port 0 takes any free port. The server's
   * task group is a child of {@code parent}; {@code relay} (null: none) relays clients with grants.
   */
  static EternalServer start(
      Optional<InetAddress> bind, int firstPort, int attempts, SessionOptions options, TaskGroup parent, Relay relay)
      throws IOException {
    int last = firstPort == 0 ? 0 : Math.min(65535, firstPort + attempts - 1);
    BindException lastFailure = null;
    for (int port = firstPort; port <= last; port++) {
      InetSocketAddress address = bind.isPresent() ? new InetSocketAddress(bind.get(), port) : new InetSocketAddress(port);
      try {
        EternalServer server = EternalServer.start(address, options, parent, relay);
        if (port != firstPort) {
          Logger.info("port {} is taken: listening on {} instead", firstPort, port);
        }
        return server;
      } catch (BindException e) {
        lastFailure = e;
      }
    }
    throw new IOException(
        "no free TCP port in " + firstPort + ".." + last + ": " + lastFailure.getMessage(), lastFailure);
  }
}
