package et.bench;

import et.testkit.Poll;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The far end of {@link FloodingClients}' connections, in this JVM on 127.0.0.1: reads from each
 * connection the sender's index (a 4-byte int), then counts and discards what follows. A
 * connection that ends before its index (a probe of the listener) is not counted.
 *
 * <p>Threads: one platform thread accepts, one platform thread per connection reads; the counts
 * are atomics, read at any time by others. {@link #close()} closes the listener and every
 * connection, which ends those threads.
 */
final class CountingSink implements AutoCloseable {
  private static final int BUFFER = 64 * 1024;

  private final ServerSocket listener;
  /** Bytes received after the index, per sender index; each only grows. */
  private final AtomicLongArray received;
  /** Connections whose index has arrived: 0 ≤ identified ≤ received.length(). */
  private final AtomicInteger identified = new AtomicInteger();
  /** Every connection accepted, to close; guarded by itself. */
  private final List<Socket> connections = new ArrayList<>();

  private CountingSink(ServerSocket listener, int senders) {
    this.listener = listener;
    this.received = new AtomicLongArray(senders);
  }

  /** Listens on a free port of 127.0.0.1 for {@code senders} senders, indexed from 0. */
  static CountingSink start(int senders) throws IOException {
    CountingSink sink = new CountingSink(new ServerSocket(0, senders, InetAddress.getLoopbackAddress()), senders);
    Thread.ofPlatform().daemon().name("sink-accept").start(sink::acceptAll);
    return sink;
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Waits until every sender's index has arrived; false if not within {@code timeout}. */
  boolean awaitSenders(Duration timeout) throws InterruptedException {
    return Poll.until(timeout, () -> identified.get() == received.length());
  }

  /** Bytes received so far from each sender, by index. */
  long[] received() {
    long[] snapshot = new long[received.length()];
    for (int i = 0; i < snapshot.length; i++) {
      snapshot[i] = received.get(i);
    }
    return snapshot;
  }

  @Override
  public void close() throws IOException {
    listener.close();
    synchronized (connections) {
      for (Socket connection : connections) {
        connection.close();
      }
    }
  }

  private void acceptAll() {
    while (true) {
      Socket connection;
      try {
        connection = listener.accept();
      } catch (IOException closed) {
        return;
      }
      synchronized (connections) {
        connections.add(connection);
      }
      Thread.ofPlatform().daemon().name("sink-read").start(() -> count(connection));
    }
  }

  private void count(Socket connection) {
    try (connection) {
      InputStream in = connection.getInputStream();
      int index = new DataInputStream(in).readInt();
      if (index < 0 || index >= received.length()) {
        throw new IOException("no sender has index " + index);
      }
      identified.incrementAndGet();
      byte[] buffer = new byte[BUFFER];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        received.addAndGet(index, n);
      }
    } catch (IOException ended) {
      // a probe, or the end of the run: the counts say what arrived
    }
  }
}
