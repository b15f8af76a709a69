package et.client.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on loopback between a client and a server that can fail like a network: {@link #drop()}
 * closes every relayed connection and stops listening (new attempts are refused), {@link #resume()}
 * listens on the same port again. Each connection is relayed by two virtual threads.
 */
public final class DroppingProxy implements AutoCloseable {

  private final InetSocketAddress target;
  private final int port;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket listener;
  /**
   * Set by {@link #drop()}: a connection the accept loop still takes (closing a listener whose
   * virtual thread is in accept takes effect only once that thread runs again) is closed at once.
   */
  private volatile boolean dropped;

  private DroppingProxy(int targetPort) throws IOException {
    this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
    this.listener = listen(0);
    this.port = listener.getLocalPort();
  }

  /** A relay to {@code targetPort} on loopback, listening on a free port. */
  public static DroppingProxy start(int targetPort) throws IOException {
    return new DroppingProxy(targetPort);
  }

  public int port() {
    return port;
  }

  /** Cuts every relayed connection and refuses new ones until {@link #resume()}. */
  public void drop() throws IOException {
    dropped = true;
    listener.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }

  /** Accepts connections on the same port again. */
  public void resume() throws IOException {
    dropped = false;
    listener = listen(port);
  }

  private ServerSocket listen(int onPort) throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort));
    Thread.ofVirtual().name("proxy accept").start(() -> accept(socket));
    return socket;
  }

  private void accept(ServerSocket from) {
    while (!from.isClosed()) {
      try {
        Socket client = from.accept();
        Socket server;
        try {
          server = new Socket(target.getAddress(), target.getPort());
        } catch (IOException e) {
          client.close();
          continue;
        }
        sockets.add(client);
        sockets.add(server);
        if (dropped) { // drop() may have gone through the sockets before these were added
          closeQuietly(client);
          closeQuietly(server);
          continue;
        }
        Thread.ofVirtual().start(() -> relay(client, server));
        Thread.ofVirtual().start(() -> relay(server, client));
      } catch (IOException e) {
        // closed by drop() or close(), or the server refused: the loop condition decides
      }
    }
  }

  private void relay(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      // one side is gone: close both below
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private void closeQuietly(Socket socket) {
    sockets.remove(socket);
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    drop();
  }
}
