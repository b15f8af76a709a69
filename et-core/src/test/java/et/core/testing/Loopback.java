package et.core.testing;

import et.core.EternalClient;
import et.core.EternalServer;
import et.core.Session;
import et.core.SessionOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** A server and its clients on 127.0.0.1, the setup most session tests start from. */
public final class Loopback {
  private Loopback() {}

  /** A server on a free loopback port. */
  public static EternalServer server(SessionOptions options) throws IOException {
    return EternalServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), options);
  }

  /** A client connected straight to {@code server} for the session {@code serverSide}. */
  public static Session connect(EternalServer server, Session serverSide, SessionOptions options)
      throws IOException {
    return EternalClient.connect(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()),
        serverSide.credentials(),
        options);
  }
}
