package et.bench;

import et.core.Channel;
import et.core.ConnectionThreads;
import et.core.EternalClient;
import et.core.EternalServer;
import et.core.Session;
import et.core.SessionOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One et.core channel, client to server, through a fresh EternalServer and EternalClient session
 * on loopback with {@link SessionOptions#defaults()} (channel window, keepalives) but the connection threads,
 * the client reaching the server directly or along another {@link Route} (through a relay).
 */
final class EtChannelTransport implements Transport {
  private static final Duration ACCEPT_TIMEOUT = Duration.ofSeconds(10);

  /** How the client reaches the server listening at an address. */
  @FunctionalInterface
  interface Route {
    et.core.transport.Transport to(InetSocketAddress server) throws IOException, InterruptedException;
  }

  private final String name;
  private final ConnectionThreads threads;
  private final Route route;

  /**
   * Straight to the server: "et" with the default (virtual) connection threads, "et-pt" with a
   * platform thread reading each connection.
   */
  EtChannelTransport(ConnectionThreads threads) {
    this(threads == ConnectionThreads.VIRTUAL ? "et" : "et-pt", threads, server -> et.core.transport.Transport.tcp(() -> server));
  }

  EtChannelTransport(String name, ConnectionThreads threads, Route route) {
    this.name = name;
    this.threads = threads;
    this.route = route;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public TransferTime transfer(long bytes) throws Exception {
    SessionOptions options = SessionOptions.defaults().withConnectionThreads(threads);
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (EternalServer server = EternalServer.start(new InetSocketAddress(loopback, 0), options)) {
      Session serverSide = server.newSession();
      et.core.transport.Transport path = route.to(new InetSocketAddress(loopback, server.port()));
      try (Session client = EternalClient.connect(path, serverSide.credentials(), options, null)) {
        Channel sending = client.openChannel("bench");
        Channel receiving = serverSide.acceptChannel(ACCEPT_TIMEOUT);
        if (receiving == null) {
          throw new IOException("server side did not see the channel within " + ACCEPT_TIMEOUT);
        }
        return OneWayTransfer.time(
            sending.output(), sending::shutdownOutput, receiving.input(), bytes);
      }
    }
  }
}
