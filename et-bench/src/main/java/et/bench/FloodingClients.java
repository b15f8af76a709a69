package et.bench;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Connections to one port on 127.0.0.1, each sending its index (a 4-byte int, for {@link
 * CountingSink}) and then chunks of {@link #CHUNK} bytes as fast as the connection takes them,
 * until {@link #close()}.
 *
 * <p>Threads: one platform thread per connection writes; {@link #close()} closes the sockets,
 * which ends a write blocked in the kernel, and joins the threads. A write that fails before
 * that is kept and reported by {@link #checkNoneFailed()}.
 */
final class FloodingClients implements AutoCloseable {
  private static final int CHUNK = 64 * 1024;
  private static final Duration JOIN = Duration.ofSeconds(10);

  private final List<Socket> sockets;
  private final List<Thread> writers = new ArrayList<>();
  private final AtomicReference<IOException> firstFailure = new AtomicReference<>();
  private volatile boolean closing;

  private FloodingClients(List<Socket> sockets) {
    this.sockets = sockets;
  }

  /** Connects {@code count} times to {@code port}, one after another, then starts them all sending. */
  static FloodingClients start(int port, int count) throws IOException {
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new Socket(InetAddress.getLoopbackAddress(), port));
      }
    } catch (IOException e) {
      for (Socket socket : sockets) {
        socket.close();
      }
      throw e;
    }
    FloodingClients clients = new FloodingClients(List.copyOf(sockets));
    for (int i = 0; i < count; i++) {
      int index = i;
      clients.writers.add(Thread.ofPlatform().daemon().name("flood-" + i).start(() -> clients.send(index)));
    }
    return clients;
  }

  /** Fails with the first write error, if a connection failed while it should have been sending. */
  void checkNoneFailed() throws IOException {
    IOException failure = firstFailure.get();
    if (failure != null) {
      throw new IOException("a connection failed while sending", failure);
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    closing = true;
    for (Socket socket : sockets) {
      socket.close();
    }
    for (Thread writer : writers) {
      if (!writer.join(JOIN)) {
        throw new IllegalStateException(writer.getName() + " still writes " + JOIN.toSeconds() + " s after its socket closed");
      }
    }
  }

  private void send(int index) {
    byte[] chunk = new byte[CHUNK];
    try {
      OutputStream out = sockets.get(index).getOutputStream();
      new DataOutputStream(out).writeInt(index);
      while (!closing) {
        out.write(chunk);
      }
    } catch (IOException e) {
      if (!closing) {
        firstFailure.compareAndSet(null, e);
      }
    }
  }
}
