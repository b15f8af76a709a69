package et.core.resume;

import et.core.crypto.Direction;
import et.core.crypto.KeySchedule;
import et.core.crypto.SequenceAead;
import et.core.wire.FrameType;
import et.core.wire.ProtocolException;
import java.io.IOException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.tinylog.Logger;

/**
 * A lossless, ordered, encrypted frame stream that outlives its TCP connections. Owns the backed
 * writer and reader; {@link #run()} takes one connection after another from its source, resumes
 * each where the peer left off, and runs it until it dies.
 *
 * <p>States: {@code CONNECTING → CONNECTED → DISCONNECTED → CONNECTED … → ENDED}; ENDED is final.
 *
 * <p>Threads: {@link #run()} on the session's own thread; {@link #send} from any application
 * thread (blocks when the backlog is full); {@link #finish} from anywhere.
 */
public final class ResumableStream {
  /** Where a stream is in its life. */
  public enum State {
    CONNECTING,
    CONNECTED,
    DISCONNECTED,
    ENDED
  }

  /** Frames of backlog per stream: a power of two. */
  static final int BACKLOG_FRAMES = 1024;
  /** Sealed bytes of backlog per stream. */
  static final long BACKLOG_BYTES = 4L << 20;
  /**
   * Bulk waits while this much is sealed and unsent: enough to keep the socket busy, little enough
   * that a keystroke sealed behind it goes out within a millisecond or so on a fast link.
   */
  static final long BULK_UNSENT_BYTES = 256L << 10;
  /** Backlog only small frames may use, so bulk never leaves a keystroke waiting for room. */
  static final long INTERACTIVE_RESERVE_BYTES = 512L << 10;
  /** The least data a bulk frame carries however slow the path: still bulk, still few frames. */
  static final int MIN_DATA_FRAME_BYTES = 4 << 10;

  private final String name;
  private final BackedWriter writer;
  private final BackedReader reader;
  private final Liveness liveness;
  /** Makes each connection's socket-read thread; null for a virtual one (see LiveConnection). */
  private final ThreadFactory readerThreads;
  private final boolean clientSide;
  private final ConnectionSource source;
  private final LifecycleLog lifecycle = LifecycleLog.here();
  private final AtomicReference<StreamEnd> end = new AtomicReference<>();
  private final CountDownLatch ended = new CountDownLatch(1);
  private StreamListener listener;

  private volatile State state = State.CONNECTING;
  private volatile Connection current;
  private volatile LiveConnection live;
  /** Server side: the client instance that first proved the secret; only it may resume. */
  private final AtomicReference<byte[]> boundClient = new AtomicReference<>();
  private volatile long roundTripNanos = -1;
  /** When the last connection ended (the stream's start before the first); null while connected. */
  private volatile Instant lastDisconnect = Instant.now();
  private final AtomicLong connections = new AtomicLong();
  private final CloseProtocol close = new CloseProtocol();

  private ResumableStream(
      byte[] sessionId,
      byte[] secret,
      Direction sending,
      Liveness liveness,
      ThreadFactory readerThreads,
      ConnectionSource source) {
    this.name = "session " + HexFormat.of().formatHex(sessionId, 0, 2);
    this.liveness = liveness;
    this.readerThreads = readerThreads;
    this.clientSide = sending == Direction.CLIENT_TO_SERVER;
    this.source = source;
    this.writer =
        new BackedWriter(
            new SequenceAead(KeySchedule.streamKey(secret, sessionId, sending)),
            BACKLOG_FRAMES,
            BACKLOG_BYTES,
            BULK_UNSENT_BYTES,
            INTERACTIVE_RESERVE_BYTES);
    this.reader =
        new BackedReader(
            new SequenceAead(KeySchedule.streamKey(secret, sessionId, sending.reverse())));
  }

  /**
   * A client-side stream: dials once now, so an unreachable server or a refusal is reported to
   * the caller at once, and redials through {@code dialer} whenever the connection dies.
   */
  public static ResumableStream connect(
      byte[] sessionId, byte[] secret, Liveness liveness, ThreadFactory readerThreads, Dialer dialer)
      throws IOException {
    Connection first = dialer.dialOnce(sessionId, secret, 0, liveness);
    return new ResumableStream(
        sessionId,
        secret,
        Direction.CLIENT_TO_SERVER,
        liveness,
        readerThreads,
        dialer.source(sessionId, secret, liveness, first));
  }

  /** A server-side stream fed by {@link #offer}. */
  public static ResumableStream server(
      byte[] sessionId, byte[] secret, Liveness liveness, ThreadFactory readerThreads) {
    return new ResumableStream(
        sessionId, secret, Direction.SERVER_TO_CLIENT, liveness, readerThreads, new ConnectionMailbox());
  }

  /**
   * Sets who hears delivered frames (all but SESSION_CLOSE, which the stream keeps) and the end;
   * call once, before {@link #run()}.
   */
  public void setListener(StreamListener listener) {
    if (this.listener != null) {
      throw new IllegalStateException("listener already set");
    }
    this.listener = listener;
  }

  /** Queues one stream frame; blocks while the backlog is full. Returns its sequence number. */
  public long send(FrameType type, int channel, byte[] payload)
      throws IOException, InterruptedException {
    if (type == FrameType.SESSION_CLOSE) {
      throw new IllegalArgumentException("a close is sent by close()");
    }
    return append(type, channel, payload);
  }

  /**
   * How much data a bulk frame should carry now: what the path delivers in {@link
   * BackedWriter#BULK_QUEUE}, so that a keystroke sealed just after one waits about that long for
   * it; at least {@link #MIN_DATA_FRAME_BYTES}, and a whole frame where the rate is not known
   * (loopback, no native access).
   */
  public int dataFrameBytes() {
    Connection connection = current;
    return dataFrameBytesFor(connection == null ? -1 : connection.deliveryRate());
  }

  static int dataFrameBytesFor(long bytesPerSecond) {
    if (bytesPerSecond < 0) {
      return FrameType.MAX_DATA_BYTES;
    }
    long bytes = bytesPerSecond / 1_000 * BackedWriter.BULK_QUEUE.toMillis();
    return (int) Math.clamp(bytes, MIN_DATA_FRAME_BYTES, FrameType.MAX_DATA_BYTES);
  }

  private long append(FrameType type, int channel, byte[] payload) throws IOException, InterruptedException {
    long seq = writer.append(type, channel, payload);
    LiveConnection connection = live;
    if (connection != null) {
      connection.sendFromProducer();
    }
    return seq;
  }

  /** Runs connections until the stream ends; returns how it ended. */
  public StreamEnd run() throws InterruptedException {
    try {
      while (end.get() == null) {
        Connection connection = nextConnection(lastDisconnect.plus(liveness.disconnectLimit()));
        if (connection == null) {
          break;
        }
        runConnection(connection);
        if (end.get() == null) {
          lastDisconnect = Instant.now();
          state = State.DISCONNECTED;
        }
      }
    } catch (InterruptedException e) {
      if (end.get() == null) {
        throw e; // interrupted from outside; ending the stream interrupts us on purpose
      }
    } finally {
      finish(close.closed());
    }
    return end.get();
  }

  /** The next connection, resumed where the peer stands; null once the stream has ended. */
  private Connection nextConnection(Instant giveUpAt) throws InterruptedException {
    Connection connection;
    try {
      connection = source.next(reader.received(), giveUpAt);
    } catch (RefusedException e) {
      finish(close.afterRefusal(e));
      return null;
    } catch (StreamExpiredException e) {
      finish(StreamEnd.of(StreamEnd.Cause.EXPIRED, e.getMessage()));
      return null;
    } catch (IOException e) {
      finish(StreamEnd.of(StreamEnd.Cause.FAILED, e.getMessage()));
      return null;
    }
    try {
      writer.resumeFrom(connection.peerReceived());
    } catch (ProtocolException e) {
      // The peer authenticated but cannot resume where we stand (it lost acknowledged data).
      connection.close();
      Logger.warn("{}: cannot resume: {}", name, e.getMessage());
      finish(StreamEnd.of(StreamEnd.Cause.FAILED, e.getMessage()));
      return null;
    }
    current = connection;
    checkCloseAcknowledged();
    if (end.get() != null) {
      connection.close(); // ended while we were connecting
      return null;
    }
    return connection;
  }

  /** Runs one connection until it dies; ends the stream if the way it died says so. */
  private void runConnection(Connection connection) throws InterruptedException {
    connections.incrementAndGet();
    lastDisconnect = null;
    state = State.CONNECTED;
    lifecycle.log("{}: connected via {}, resending from frame {}", name, connection, connection.peerReceived());
    try {
      // Published before its writer starts: a producer then either sees it or the writer sees
      // the producer's frame, so no frame waits for the next keepalive.
      live = new LiveConnection(
          connection, writer, reader, liveness, readerThreads, clientSide, this);
      live.run();
    } catch (ConnectionLostException e) {
      if (end.get() == null) {
        lifecycle.log("{}: {} lost: {}", name, connection, e.getMessage());
      }
    } catch (LiveConnection.PeerFinishedException e) {
      finish(close.closedByPeer());
    } catch (FatalStreamException e) {
      Logger.warn("{}: ending session, peer broke the protocol: {}", name, e.getMessage());
      finish(StreamEnd.of(StreamEnd.Cause.FAILED, e.getMessage()));
    } catch (IOException e) {
      throw new IllegalStateException("unclassified connection end", e);
    } finally {
      live = null;
      current = null;
    }
  }

  /**
   * Closes the stream in order ({@link CloseProtocol}): sends SESSION_CLOSE with {@code exitStatus}
   * and {@code reason} after every frame sent before, and ends once the peer has acknowledged it,
   * however many reconnects that takes, or when the disconnect limit passes. Returns at once.
   */
  public void close(int exitStatus, String reason) throws IOException, InterruptedException {
    append(FrameType.SESSION_CLOSE, 0, CloseProtocol.payload(exitStatus, reason));
    close.closing(exitStatus, reason, writer.written());
    checkCloseAcknowledged();
  }

  /** Ends the stream now as closed by this side, with {@code reason}. */
  public void finishClosed(String reason) {
    finish(close.closed(reason));
  }

  /** Ends the stream if our close has been acknowledged. Any thread. */
  void checkCloseAcknowledged() {
    if (close.closeAcknowledged(writer.acked())) {
      finish(close.closed());
    }
  }

  /** A frame the reader accepted: the peer's close is the stream's; the rest go to the listener. */
  void deliver(FrameType type, int channel, byte[] payload) throws FatalStreamException {
    if (type == FrameType.SESSION_CLOSE) {
      close.peerClosing(payload, reader.received());
    } else {
      listener.deliver(type, channel, payload);
    }
  }

  CloseProtocol closeProtocol() {
    return close;
  }

  /** Ends the stream now with {@code end} (the first end wins) and releases its connection. */
  public void finish(StreamEnd streamEnd) {
    if (!end.compareAndSet(null, streamEnd)) {
      return;
    }
    state = State.ENDED;
    writer.close();
    source.close();
    Connection connection = current;
    if (connection != null) {
      connection.close();
    }
    lifecycle.log("{}: ended ({}: {})", name, streamEnd.cause(), streamEnd.reason());
    if (listener != null) {
      listener.ended(streamEnd);
    }
    ended.countDown();
  }

  /**
   * Server side: whether {@code pending} comes from the client this session belongs to. The first
   * client instance to prove the secret takes the session; any other (a second client holding the
   * same credentials) is refused, since its frames would reuse the stream key's nonces.
   */
  public boolean belongsHere(Handshake.PendingConnection pending) {
    byte[] instance = pending.clientInstance();
    return boundClient.compareAndSet(null, instance)
        || MessageDigest.isEqual(boundClient.get(), instance);
  }

  /**
   * Server side: hands over a freshly authenticated connection. It replaces the current one, which
   * is closed only now that the newcomer has proved the secret.
   */
  public void offer(Handshake.PendingConnection pending) {
    if (!(source instanceof ConnectionMailbox mailbox)) {
      throw new IllegalStateException("offer() is for server streams");
    }
    Connection old = current;
    if (!mailbox.put(pending)) {
      pending.close();
      return;
    }
    if (old != null) {
      old.close();
    }
  }

  /** Waits until the stream has ended; true if it did within {@code timeout}. */
  public boolean awaitEnd(Duration timeout) throws InterruptedException {
    return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** How the stream ended, or null while it runs. */
  public StreamEnd end() {
    return end.get();
  }

  public State state() {
    return state;
  }

  /** Connections this stream has run: 1 plus the reconnects. */
  public long connections() {
    return connections.get();
  }

  /** The latest keepalive round trip, or null before the first. */
  public Duration roundTrip() {
    long nanos = roundTripNanos;
    return nanos < 0 ? null : Duration.ofNanos(nanos);
  }

  void recordRoundTrip(long nanos) {
    if (nanos >= 0) {
      roundTripNanos = nanos;
    }
  }

  /**
   * When the last connection ended, or when the stream started if it never had one; null while
   * connected.
   */
  public Instant disconnectedSince() {
    return lastDisconnect;
  }

  /** "session 3f2a": the prefix of every log line and thread name of this stream. */
  public String name() {
    return name;
  }

  /** Client side: the unproven refusals every reconnection has met lately, or null. */
  public RefusalStreak refusalStreak() {
    return source.refusalStreak();
  }

  /** Client side, while reconnecting: why the latest attempt failed, or null. */
  public String lastReconnectFailure() {
    return source.lastFailure();
  }

  /** Sealed bytes waiting for the peer's acknowledgement. */
  public long backlogBytes() {
    return writer.bytesHeld();
  }

  /** Stream frames sent and received so far (keepalives and acknowledgements are not stream frames). */
  public long framesMoved() {
    return writer.written() + reader.received();
  }
}
