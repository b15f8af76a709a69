package et.bench;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

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
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket listener = new ServerSocket(0, 1, loopback);
        Socket sender = new Socket(loopback, listener.getLocalPort());
        Socket receiver = listener.accept()) {
      sender.setTcpNoDelay(true);
      receiver.setTcpNoDelay(true);
      return OneWayTransfer.time(
          sender.getOutputStream(), sender::shutdownOutput, receiver.getInputStream(), bytes);
    }
  }
}
