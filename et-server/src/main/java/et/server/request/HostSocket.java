package et.server.request;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** Client side of the session host's unix socket. */
public final class HostSocket {
  private HostSocket() {}

  /** A blocking connection to the socket at {@code path}; fails when nobody listens there. */
  public static SocketChannel connect(Path path) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(UnixDomainSocketAddress.of(path));
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Whether a host listens on {@code path} (connects and hangs up at once). */
  public static boolean answers(Path path) {
    try {
      connect(path).close();
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
