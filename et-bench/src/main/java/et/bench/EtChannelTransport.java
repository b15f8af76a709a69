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
 * on loopback with default options (1 MiB channel window, keepalives on) but the connection threads.
 */
final class EtChannelTransport implements Transport {
  private static final Duration ACCEPT_TIMEOUT = Duration.ofSeconds(10);

  private final ConnectionThreads threads;

  EtChannelTransport(ConnectionThreads threads) {
    this.threads = threads;
  }

  /** "et" with the default (virtual) connection threads, "et-pt" with platform threads. */
  @Override
  public String name() {
    return threads == ConnectionThreads.VIRTUAL ? "et" : "et-pt";
  }

  @Override
  public TransferTime transfer(long bytes) throws Exception {
    SessionOptions options = SessionOptions.defaults().withConnectionThreads(threads);
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (EternalServer server = EternalServer.start(new InetSocketAddress(loopback, 0), options)) {
      Session serverSide = server.newSession();
      try (Session client =
          EternalClient.connect(
              new InetSocketAddress(loopback, server.port()), serverSide.credentials(), options)) {
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
