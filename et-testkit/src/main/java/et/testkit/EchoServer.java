package et.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A TCP server on 127.0.0.1 that echoes each connection back to its end of file, then closes it:
 * the far end of forwarded connections in tests. Each connection on a virtual thread of its own;
 * {@link #close()} stops accepting.
 */
public final class EchoServer implements AutoCloseable {
  private final ServerSocket listener;

  private EchoServer(ServerSocket listener) {
    this.listener = listener;
  }

  /** Listens on a free loopback port and echoes every connection. */
  public static EchoServer start() throws IOException {
    EchoServer server = new EchoServer(new ServerSocket(0, 8, InetAddress.getLoopbackAddress()));
    Thread.ofVirtual().name("echo-accept").start(server::acceptAll);
    return server;
  }

  public int port() {
    return listener.getLocalPort();
  }

  private void acceptAll() {
    while (true) {
      Socket accepted;
      try {
        accepted = listener.accept();
      } catch (IOException closed) {
        return;
      }
      Thread.ofVirtual().name("echo").start(() -> {
        try (accepted) {
          accepted.getInputStream().transferTo(accepted.getOutputStream());
        } catch (IOException e) {
          // the test sees what it got back
        }
      });
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
