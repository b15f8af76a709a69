package et.bench;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.UnaryOperator;

/**
 * The baseline: a plain blocking java.net socket pair on loopback, TCP_NODELAY on both ends as
 * et.core sets it, kernel socket buffers left to the OS as et.core leaves them.
 */
final class RawTcpTransport implements Transport {
  @Override
  public String name() {
    return "raw";
  }

  @Override
  public TransferTime transfer(long bytes) throws Exception {
    return transfer(bytes, UnaryOperator.identity(), UnaryOperator.identity());
  }

  /** One transfer over a fresh socket pair, through the streams {@code sending} and {@code receiving} wrap. */
  static TransferTime transfer(
      long bytes, UnaryOperator<OutputStream> sending, UnaryOperator<InputStream> receiving) throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket listener = new ServerSocket(0, 1, loopback);
        Socket sender = new Socket(loopback, listener.getLocalPort());
        Socket receiver = listener.accept()) {
      sender.setTcpNoDelay(true);
      receiver.setTcpNoDelay(true);
      return OneWayTransfer.time(
          sending.apply(sender.getOutputStream()),
          sender::shutdownOutput,
          receiving.apply(receiver.getInputStream()),
          bytes);
    }
  }
}
