package et.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP relay that records what the client of its first connection sent (up to
 * {@link #RECORD_LIMIT} bytes), so a test can replay a real client's handshake verbatim. It
 * relays faithfully and never alters a byte.
 *
 * <p>Threads (virtual): one accepts; each relayed connection has one pump per direction.
 */
public final class RecordingProxy implements AutoCloseable {
  public static final int RECORD_LIMIT = 64 * 1024;

  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final ByteArrayOutputStream recorded = new ByteArrayOutputStream();
  private final AtomicInteger connections = new AtomicInteger();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  private RecordingProxy(ServerSocket listener, InetSocketAddress target) {
    this.listener = listener;
    this.target = target;
    Thread.ofVirtual().name("recording proxy accept").start(this::acceptLoop);
  }

  /** Listens on a free loopback port and relays every connection to {@code target}. */
  public static RecordingProxy start(InetSocketAddress target) throws IOException {
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    return new RecordingProxy(listener, target);
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
  }

  /** Connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  /** The bytes the first connection's client sent so far. */
  public byte[] recorded() {
    synchronized (recorded) {
      return recorded.toByteArray();
    }
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        boolean first = connections.incrementAndGet() == 1;
        Socket server = new Socket(target.getAddress(), target.getPort());
        sockets.add(client);
        sockets.add(server);
        Thread.ofVirtual().name("proxy up").start(() -> pump(client, server, first));
        Thread.ofVirtual().name("proxy down").start(() -> pump(server, client, false));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pump(Socket from, Socket to, boolean record) {
    byte[] buffer = new byte[8192];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        if (record) {
          synchronized (recorded) {
            recorded.write(buffer, 0, Math.min(n, RECORD_LIMIT - recorded.size()));
          }
        }
        out.write(buffer, 0, n);
      }
      to.shutdownOutput();
    } catch (IOException e) {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // relaying stops either way
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    sockets.forEach(RecordingProxy::closeQuietly);
  }

  @Override
  public String toString() {
    return "RecordingProxy[" + address() + " -> " + target + "]";
  }
}
