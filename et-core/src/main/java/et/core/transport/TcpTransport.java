package et.core.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.util.function.Supplier;

/** {@link Transport#tcp}: the socket itself is the channel, so frames go straight to it. */
final class TcpTransport implements Transport {
  private final Supplier<InetSocketAddress> address;

  TcpTransport(Supplier<InetSocketAddress> address) {
    this.address = address;
  }

  @Override
  public ByteChannel open(ConnectAttempt attempt) throws IOException {
    InetSocketAddress target = address.get();
    SocketChannel socket = attempt.guard(SocketChannel.open());
    socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
    try {
      socket.connect(target);
    } catch (UnresolvedAddressException e) {
      throw new UnknownHostException(target.getHostString());
    }
    return socket;
  }

  @Override
  public String toString() {
    return TCP_NAME;
  }
}
