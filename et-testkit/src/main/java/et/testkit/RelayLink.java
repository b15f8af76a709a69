package et.testkit;

import et.testkit.FaultRelay.Direction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One connection through a {@link FaultRelay}: the accepted client socket, the socket it opened to
 * the target, and one virtual thread pumping each direction.
 *
 * <p>A pump reads a chunk, waits at the {@link TrafficGate}, sleeps the relay's delay, applies
 * pending bit flips and writes. While it waits it reads nothing more, so TCP back-pressure holds
 * the rest of the stream (held, never dropped). An end of stream is held the same way and then
 * passed on as a half-close; any socket error resets both sides, as a broken path would.
 */
final class RelayLink {
  private static final int CHUNK_BYTES = 64 * 1024;
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  private final int number;
  private final Socket client;
  private final InetSocketAddress target;
  private final TrafficGate gate;
  private final Supplier<Duration> delay;
  private final List<Long> clientToServerFlips;
  private final List<Long> serverToClientFlips;
  private final ByteArrayOutputStream recording; // null unless recording; guarded by itself
  private final Consumer<RelayLink> onClosed;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicInteger directionsFinished = new AtomicInteger();
  private volatile Socket server;

  RelayLink(
      int number,
      Socket client,
      InetSocketAddress target,
      TrafficGate gate,
      Supplier<Duration> delay,
      List<Long> clientToServerFlips,
      List<Long> serverToClientFlips,
      boolean record,
      Consumer<RelayLink> onClosed) {
    this.number = number;
    this.client = client;
    this.target = target;
    this.gate = gate;
    this.delay = delay;
    this.clientToServerFlips = List.copyOf(clientToServerFlips);
    this.serverToClientFlips = List.copyOf(serverToClientFlips);
    this.recording = record ? new ByteArrayOutputStream() : null;
    this.onClosed = onClosed;
  }

  /** Starts forwarding on a new virtual thread; returns at once. */
  void start(String relayName) {
    Thread.ofVirtual().name(relayName + " #" + number + " c2s").start(this::connectAndPump);
  }

  /** The client's bytes so far, or null when this link was not recording. */
  byte[] recorded() {
    if (recording == null) {
      return null;
    }
    synchronized (recording) {
      return recording.toByteArray();
    }
  }

  boolean isClosed() {
    return closed.get();
  }

  /** Resets both sides (RST, not FIN): what a test means by "cut". Idempotent; any thread. */
  void reset() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    abort(client);
    abort(server);
    gate.wakeAll();
    onClosed.accept(this);
  }

  private void closeGracefully() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeQuietly(client);
    closeQuietly(server);
    onClosed.accept(this);
  }

  private void connectAndPump() {
    try {
      // A blackhole swallows new connections too: accepted, but not passed on until it lifts.
      if (!gate.awaitNoBlackhole(this::isClosed)) {
        return;
      }
      Socket upstream = new Socket();
      server = upstream;
      if (isClosed()) { // cut while we were publishing the socket
        abort(upstream);
        return;
      }
      upstream.setTcpNoDelay(true);
      upstream.connect(target, CONNECT_TIMEOUT_MILLIS);
      client.setTcpNoDelay(true);
      Thread.ofVirtual()
          .name(Thread.currentThread().getName().replace("c2s", "s2c"))
          .start(() -> pump(Direction.SERVER_TO_CLIENT, upstream, client, serverToClientFlips));
      pump(Direction.CLIENT_TO_SERVER, client, upstream, clientToServerFlips);
    } catch (IOException | InterruptedException e) {
      reset();
    }
  }

  private void pump(Direction direction, Socket from, Socket to, List<Long> flips) {
    byte[] buffer = new byte[CHUNK_BYTES];
    long position = 0; // bytes forwarded so far in this direction
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      while (true) {
        int n = in.read(buffer);
        if (n > 0 && direction == Direction.CLIENT_TO_SERVER && recording != null) {
          synchronized (recording) {
            recording.write(buffer, 0, n);
          }
        }
        if (!gate.awaitOpen(direction, this::isClosed)) {
          return;
        }
        if (n < 0) {
          to.shutdownOutput();
          if (directionsFinished.incrementAndGet() == 2) {
            closeGracefully();
          }
          return;
        }
        Duration pause = delay.get();
        if (pause.isPositive()) {
          Thread.sleep(pause);
        }
        for (long offset : flips) {
          if (offset >= position && offset < position + n) {
            buffer[(int) (offset - position)] ^= 0x01;
          }
        }
        out.write(buffer, 0, n);
        position += n;
      }
    } catch (IOException | InterruptedException e) {
      reset(); // the peer reset, or we were cut: pass the reset on to the other side
    }
  }

  private static void abort(Socket socket) {
    if (socket == null) {
      return;
    }
    try {
      if (!socket.isClosed()) {
        socket.setSoLinger(true, 0);
      }
    } catch (IOException ignored) {
      // closed meanwhile: close() below is then a no-op
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket socket) {
    if (socket == null) {
      return;
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // it is going away either way
    }
  }
}
