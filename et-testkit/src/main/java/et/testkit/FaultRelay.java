package et.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay that injects faults between two real endpoints: it listens on 127.0.0.1 (an
 * ephemeral {@link #port()}) and forwards every accepted connection to one target, while a test
 * cuts, blackholes, stalls, slows or corrupts the traffic.
 *
 * <p>Threads: one virtual thread accepts; each relayed connection has one virtual thread per
 * direction on plain blocking sockets. Every control is thread-safe and takes effect while traffic
 * flows. Held traffic (blackhole, stall) is never dropped: it flows on when the hold is lifted,
 * unless the connection was cut or closed meanwhile.
 */
public final class FaultRelay implements AutoCloseable {
  /** A direction of traffic, named from the relay's client's point of view. */
  public enum Direction {
    CLIENT_TO_SERVER,
    SERVER_TO_CLIENT
  }

  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final String name;
  private final TrafficGate gate = new TrafficGate();
  private final Set<RelayLink> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  /** Connections accepted while the latest blackhole was on; reset when a blackhole begins. */
  private final AtomicInteger acceptedInBlackhole = new AtomicInteger();
  /**
   * Guards the settings for new connections, and counts a connection and opens it at once, so a
   * cut knows which connections it reset.
   */
  private final Object lock = new Object();
  private final Map<Direction, List<Long>> flipsForNext = new EnumMap<>(Direction.class); // guarded
  private final List<RelayLink> recordedLinks = new ArrayList<>(); // guarded by lock
  private boolean recording; // guarded by lock
  private volatile Duration delay = Duration.ZERO;
  private volatile boolean closed;
  private final Thread acceptor;

  /** Starts relaying from a fresh ephemeral port on 127.0.0.1 to {@code target}. */
  public FaultRelay(InetSocketAddress target) throws IOException {
    this(target, 0);
  }

  /**
   * As above, with accepted sockets receiving into {@code receiveBufferBytes} (0: the system's
   * default). A small buffer makes a held direction push back on its writer after little data.
   */
  public FaultRelay(InetSocketAddress target, int receiveBufferBytes) throws IOException {
    this.target = Objects.requireNonNull(target);
    this.listener = new ServerSocket();
    if (receiveBufferBytes > 0) {
      listener.setReceiveBufferSize(receiveBufferBytes); // before bind, so the TCP window obeys it
    }
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    this.name = "relay :" + listener.getLocalPort();
    for (Direction direction : Direction.values()) {
      flipsForNext.put(direction, new ArrayList<>());
    }
    this.acceptor = Thread.ofVirtual().name(name + " accept").start(this::acceptLoop);
  }

  /** The port clients connect to. */
  public int port() {
    return listener.getLocalPort();
  }

  /** The address clients connect to. */
  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
  }

  /** Connections accepted so far, cut or not. */
  public int connectionsAccepted() {
    return accepted.get();
  }

  /** Connections currently relayed (accepted and neither cut nor closed). */
  public int openConnections() {
    return open.size();
  }

  /**
   * Resets every current connection on both sides (RST). Later connections are not affected.
   * Returns how many connections had been accepted by then: each of them is now reset or closed,
   * so a higher {@link #connectionsAccepted()} later means a new connection.
   */
  public int cutAll() {
    List<RelayLink> links;
    int acceptedSoFar;
    synchronized (lock) {
      links = List.copyOf(open);
      acceptedSoFar = accepted.get();
    }
    links.forEach(RelayLink::reset);
    return acceptedSoFar;
  }

  /**
   * {@link #cutAll()}, then waits up to {@code timeout} until the client has dialed a new
   * connection; false if it has not by then.
   */
  public boolean cutAndAwaitReconnect(Duration timeout) throws InterruptedException {
    int before = cutAll();
    return Poll.until(timeout, () -> connectionsAccepted() > before && openConnections() > 0);
  }

  /**
   * While on, nothing is forwarded in either direction and nothing is closed: bytes are held
   * (not read further), and new connections are accepted but not passed on until it is off.
   */
  public void blackhole(boolean on) {
    if (on) {
      acceptedInBlackhole.set(0);
    }
    gate.blackhole(on);
  }

  /**
   * Connections accepted while the latest blackhole was on: a client that dialed again noticed
   * the silence.
   */
  public int connectionsDialedIntoBlackhole() {
    return acceptedInBlackhole.get();
  }

  /** While on, bytes travelling in {@code direction} are held; the other direction flows. */
  public void stall(Direction direction, boolean on) {
    gate.stall(direction, on);
  }

  /** Added delay before each forwarded chunk (zero by default). */
  public void delay(Duration perChunk) {
    if (perChunk.isNegative()) {
      throw new IllegalArgumentException("negative delay: " + perChunk);
    }
    delay = perChunk;
  }

  /**
   * Flips one bit of the byte at {@code offset} (counted from the start of the connection) in
   * {@code direction} of the next accepted connection. Several flips may be armed at once.
   */
  public void flipByte(Direction direction, long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("negative offset: " + offset);
    }
    synchronized (lock) {
      flipsForNext.get(direction).add(offset);
    }
  }

  /** While on, each newly accepted connection records what its client sends. */
  public void recordClientBytes(boolean on) {
    synchronized (lock) {
      recording = on;
    }
  }

  /** The client-to-server bytes of each recorded connection so far, in order of acceptance. */
  public List<byte[]> recorded() {
    List<RelayLink> links;
    synchronized (lock) {
      links = List.copyOf(recordedLinks);
    }
    return links.stream().map(RelayLink::recorded).toList();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        continue; // closed (the loop ends) or a transient failure (accept again)
      }
      if (gate.blackholed()) {
        acceptedInBlackhole.incrementAndGet();
      }
      RelayLink link;
      synchronized (lock) {
        int number = accepted.incrementAndGet();
        link =
            new RelayLink(
                number,
                client,
                target,
                gate,
                () -> delay,
                flipsForNext.get(Direction.CLIENT_TO_SERVER),
                flipsForNext.get(Direction.SERVER_TO_CLIENT),
                recording,
                open::remove);
        flipsForNext.values().forEach(List::clear);
        if (recording) {
          recordedLinks.add(link);
        }
        open.add(link);
      }
      if (closed) {
        link.reset();
      }
      link.start(name);
    }
  }

  /** Stops accepting and resets every connection. */
  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // already closed
    }
    acceptor.interrupt();
    cutAll();
    gate.wakeAll();
  }

  @Override
  public String toString() {
    return name + " -> " + target;
  }
}
