package et.core.resume;

import et.core.wire.Frame;
import et.core.wire.FrameType;
import et.core.wire.ProtocolException;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs one authenticated connection of a stream as an inner StructuredTaskScope of three virtual
 * threads: socket-read, socket-write and keepalive; the socket-read task runs on a thread of the
 * session's {@link et.core.ConnectionThreads} kind, in a scope of its own where that is a platform
 * thread. It ends when any of them fails; the exception says how: {@link
 * ConnectionLostException} (reconnect and replay), {@link FatalStreamException} (end the session),
 * {@link PeerFinishedException} (the peer closed the session, {@link CloseProtocol}, got our final acknowledgement and
 * hung up). Until the closer hangs up, its close is not known to have arrived:
 * if the connection dies first, the next handshake carries the acknowledgement instead.
 *
 * <p>Writes to the socket happen under {@code sendLock}: the socket-writer's, or a producer's
 * that found the socket free ({@link #sendFromProducer}); the reader and keepalive raise flags and
 * unpark the socket-writer.
 */
final class LiveConnection {
  /** Acknowledge at the latest after this many unacknowledged frames, even mid-burst. */
  private static final int ACK_EVERY_FRAMES = 16;
  /** A quieter stream is acknowledged once it has been idle this long. */
  static final Duration ACK_DELAY = Duration.ofMillis(10);
  private static final int SEND_BATCH_FRAMES = 64;
  private static final ThreadFactory VIRTUAL = Thread.ofVirtual().factory();

  private final Connection connection;
  private final BackedWriter writer;
  private final BackedReader reader;
  private final CloseProtocol close;
  private final Liveness liveness;
  /** The socket-read task's thread; null for a virtual one, forked as the others are. */
  private final ThreadFactory readerThreads;
  /** The client side watches its own address (see {@link #stillAssigned}). */
  private final boolean watchLocalAddress;
  private final ResumableStream stream;
  private final String name;

  private final AtomicBoolean ackDue = new AtomicBoolean();
  /**
   * Since when we await an answer (we sent a PING or a stream frame and nothing has come since);
   * {@link #NOT_AWAITING} otherwise. The keepalive task ends a connection whose answer is late.
   */
  private final AtomicLong awaitingSince = new AtomicLong(NOT_AWAITING);
  private static final long NOT_AWAITING = Long.MIN_VALUE;
  private volatile Thread keepaliveThread;
  /** When the keepalive task wakes next (System.nanoTime); it need not be woken for anything later. */
  private volatile long keepaliveWakeAt = System.nanoTime();
  private final AtomicBoolean pingDue = new AtomicBoolean(true);
  private final AtomicLong pongDue = new AtomicLong(-1);
  private volatile long ackSent;
  /** When the socket-writer first saw the peer's close acknowledged; 0 before. */
  private long closeAcknowledgedAt;
  /** Held by whoever writes to the socket: the socket-writer, or a producer sending directly. */
  private final ReentrantLock sendLock = new ReentrantLock();
  private volatile Thread socketWriter;

  LiveConnection(
      Connection connection,
      BackedWriter writer,
      BackedReader reader,
      Liveness liveness,
      ThreadFactory readerThreads,
      boolean watchLocalAddress,
      ResumableStream stream) {
    this.connection = connection;
    this.writer = writer;
    this.reader = reader;
    this.close = stream.closeProtocol();
    this.liveness = liveness;
    this.readerThreads = readerThreads;
    this.watchLocalAddress = watchLocalAddress;
    this.stream = stream;
    this.name = stream.name();
    this.ackSent = reader.received();
  }

  /** Runs until the connection ends; always throws, saying how it ended. */
  void run() throws IOException, InterruptedException {
    // Once proven, outside any handshake deadline: the first use of FFM in a process is slow.
    connection.limitSendQueue();
    try (var scope =
        StructuredTaskScope.open(Joiner.awaitAllSuccessfulOrThrow(), config -> config.withThreadFactory(VIRTUAL))) {
      scope.fork(this::readOnReaderThread);
      scope.fork(() -> named("socket-write", this::writeLoop));
      scope.fork(() -> named("keepalive", this::keepaliveLoop));
      try {
        scope.join();
      } finally {
        // Before the scope waits for its threads: an interrupt does not end a platform thread's
        // blocking socket read, closing the socket does.
        connection.close();
      }
      throw new IllegalStateException("connection tasks returned without failing");
    } catch (StructuredTaskScope.FailedException e) {
      throw classify(e.getCause());
    } finally {
      connection.close();
      writer.setSender(null);
    }
  }

  private IOException classify(Throwable cause) {
    boolean peerWent = cause instanceof EOFException || cause instanceof SocketException || cause instanceof ConnectionLostException;
    if (peerWent && peerClosedAndAcknowledged()) {
      // The closer hangs up once it has our acknowledgement: by a FIN, a reset (it may not read
      // what we sent meanwhile) or silence, its close is done.
      return new PeerFinishedException();
    }
    return switch (cause) {
      case ConnectionLostException lost -> lost;
      case FatalStreamException fatal -> fatal;
      case PeerFinishedException finished -> finished;
      case EOFException eof -> new ConnectionLostException(eof.getMessage());
      case ProtocolException bad -> new ConnectionLostException("protocol violation: " + bad.getMessage());
      case SocketException socket -> new ConnectionLostException(socket.getMessage());
      case IOException io -> new ConnectionLostException(io.toString());
      case RuntimeException bug -> throw bug;
      case Error error -> throw error;
      default -> new ConnectionLostException(cause.toString());
    };
  }

  private interface Loop {
    void run() throws Exception;
  }

  /**
   * Runs the socket-read task on the thread the session asked for. The other two are off a one-way
   * trip's path (producers write to a free socket themselves, see {@link #sendFromProducer}), so
   * they stay virtual whatever the session asked: a platform thread's stack is most of what an
   * idle session costs (docs/BENCHMARKS.md).
   */
  private Void readOnReaderThread() throws Exception {
    if (readerThreads == null) {
      return named("socket-read", this::readLoop);
    }
    try (var scope = StructuredTaskScope.open(
        Joiner.<Void>awaitAllSuccessfulOrThrow(), config -> config.withThreadFactory(readerThreads))) {
      scope.fork(() -> named("socket-read", this::readLoop));
      scope.join();
      return null;
    } catch (StructuredTaskScope.FailedException e) {
      // The read loop's own failure, which run() classifies.
      switch (e.getCause()) {
        case Exception cause -> throw cause;
        case Error error -> throw error;
        default -> throw e;
      }
    }
  }

  private Void named(String role, Loop loop) throws Exception {
    Thread.currentThread().setName(name + " " + role);
    loop.run();
    return null;
  }

  private void readLoop() throws IOException {
    while (true) {
      Frame frame = connection.read();
      awaitingSince.set(NOT_AWAITING); // the peer is there
      switch (frame.type().kind) {
        case STREAM -> {
          var payload = reader.accept(frame);
          if (payload.isPresent()) {
            stream.deliver(frame.type(), frame.header().channel(), payload.get());
          }
          // Acknowledge as we go: at once every few frames; a trickle, after ACK_DELAY (writeLoop).
          if (reader.received() - ackSent >= ACK_EVERY_FRAMES || close.state() == CloseProtocol.State.PEER_CLOSING) {
            raise(ackDue);
          }
        }
        case CONTROL -> onControl(frame);
        case HANDSHAKE -> throw new ProtocolException("handshake frame " + frame.type() + " mid-stream");
      }
    }
  }

  private void onControl(Frame frame) throws IOException {
    long value = connection.openControl(frame);
    switch (frame.type()) {
      case ACK -> {
        try {
          writer.acknowledge(value);
        } catch (ProtocolException e) {
          throw new FatalStreamException(e.getMessage());
        }
        stream.checkCloseAcknowledged();
      }
      case PING -> {
        pongDue.set(value);
        LockSupport.unpark(socketWriter);
      }
      case PONG -> stream.recordRoundTrip(System.nanoTime() - value);
      default -> throw new IllegalStateException("not a control frame: " + frame.type());
    }
  }

  private void raise(AtomicBoolean flag) {
    flag.set(true);
    LockSupport.unpark(socketWriter);
  }

  private void writeLoop() throws IOException, InterruptedException {
    socketWriter = Thread.currentThread();
    writer.setSender(socketWriter);
    long idleParkNanos = liveness.idleKeepaliveInterval().toNanos(); // a safety net: whoever has work unparks us
    while (true) {
      boolean idle;
      sendLock.lock();
      try {
        idle = !writeControlFrames() & !writePendingFrames();
      } finally {
        sendLock.unlock();
      }
      if (peerClosedAndAcknowledged() && peerSilentSinceAck()) {
        throw new PeerFinishedException(); // it should have hung up by now; stop waiting
      }
      if (idle) {
        boolean ackOwed = reader.received() > ackSent;
        LockSupport.parkNanos(this, ackOwed ? ACK_DELAY.toNanos() : idleParkNanos);
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
        if (ackOwed) {
          ackDue.set(true); // one acknowledgement per pause, however many frames it covers
        }
      }
    }
  }

  /** The peer sent SESSION_CLOSE and we have acknowledged it on this connection. */
  private boolean peerClosedAndAcknowledged() {
    return close.peerCloseAcknowledged(ackSent);
  }

  private boolean peerSilentSinceAck() {
    if (closeAcknowledgedAt == 0) {
      closeAcknowledgedAt = System.nanoTime();
    }
    return System.nanoTime() - closeAcknowledgedAt > liveness.deadAfter().toNanos();
  }

  /** Writes the PING, PONG and ACK that are due; true if it wrote any. Holds sendLock. */
  private boolean writeControlFrames() throws IOException {
    boolean wrote = false;
    if (pingDue.getAndSet(false)) {
      boolean wakeKeepalive = awaitAnswer(liveness.deadAfter().toNanos());
      connection.writeControl(FrameType.PING, System.nanoTime());
      wakeKeepaliveIf(wakeKeepalive);
      wrote = true;
    }
    long pong = pongDue.getAndSet(-1);
    if (pong != -1) {
      connection.writeControl(FrameType.PONG, pong);
      wrote = true;
    }
    if (ackDue.getAndSet(false)) {
      long received = reader.received();
      // Counted before the write: the peer may act on it (hang up after its close) before the
      // write returns. If the write fails, the next handshake carries the count instead.
      ackSent = received;
      connection.writeControl(FrameType.ACK, received);
      wrote = true;
    }
    return wrote;
  }

  /** Writes a batch of backlog frames not yet sent on this connection; true if it wrote any. */
  private boolean writePendingFrames() throws IOException {
    boolean wrote = false;
    for (int i = 0; i < SEND_BATCH_FRAMES; i++) {
      Frame frame = writer.nextToSend();
      if (frame == null) {
        break;
      }
      // The peer acknowledges them, or answers the PING that follows within a keepalive interval.
      boolean wakeKeepalive = !wrote && awaitAnswer(liveness.keepaliveInterval().toNanos());
      connection.write(frame);
      wakeKeepaliveIf(wakeKeepalive);
      wrote = true;
    }
    return wrote;
  }

  /**
   * We are about to send something the peer answers: from now, silence counts (see {@link
   * #keepaliveLoop}), which must look again within {@code withinNanos}. Before the write, not after:
   * the answer may be read before the write returns, and a wait begun after it would be ended by
   * nothing but the peer's next frame, or take the live connection for dead deadAfter later.
   * True if the keepalive task would look too late: the caller wakes it once the write is out, so
   * that the frame (a keystroke after an idle spell) goes first.
   */
  private boolean awaitAnswer(long withinNanos) {
    long now = System.nanoTime();
    return awaitingSince.compareAndSet(NOT_AWAITING, now) && now + withinNanos - keepaliveWakeAt < 0;
  }

  private void wakeKeepaliveIf(boolean tooLate) {
    if (tooLate) {
      LockSupport.unpark(keepaliveThread);
    }
  }

  /**
   * Called by a producer right after it appended: if nobody is writing to the socket, the producer
   * writes its frames itself, saving a thread hand-off per frame; otherwise the writer is woken.
   * A failed write only closes the connection: the frames stay in the backlog for the next one.
   */
  void sendFromProducer() {
    if (!sendLock.tryLock()) {
      LockSupport.unpark(socketWriter);
      return;
    }
    try {
      while (writePendingFrames()) {
        // until the backlog holds nothing unsent
      }
    } catch (IOException e) {
      connection.close(); // the connection's own tasks notice and the stream reconnects
    } finally {
      sendLock.unlock();
    }
  }

  /**
   * Asks for a PING every keepalive interval while frames we sent await the peer's
   * acknowledgement, and every idle keepalive interval otherwise; ends the connection once
   * something we sent that the peer answers (a PING, a stream frame) has had no answer, nor any
   * other frame, for {@link Liveness#deadAfter()}. So a dead link is noticed within deadAfter
   * whenever data is on its way, and within an idle interval and deadAfter when nothing is: idle
   * sessions cost a tenth of the pings. (A blocking channel's read has no timeout of its own:
   * ending the scope closes the socket, which ends the read.)
   */
  private void keepaliveLoop() throws InterruptedException, ConnectionLostException {
    keepaliveThread = Thread.currentThread();
    InetSocketAddress local = connection.localAddress();
    long interval = liveness.keepaliveInterval().toNanos();
    long idleInterval = liveness.idleKeepaliveInterval().toNanos();
    long deadAfter = liveness.deadAfter().toNanos();
    long nextPing = System.nanoTime() + interval;
    long lastPing = System.nanoTime(); // the connection's first PING is due at once (pingDue)
    long nextAddressCheck = nextPing;
    while (true) {
      long now = System.nanoTime();
      long since = awaitingSince.get();
      if (since != NOT_AWAITING && now - since >= deadAfter) {
        throw new ConnectionLostException("no answer for " + liveness.deadAfter().toMillis() + " ms");
      }
      if (watchLocalAddress && local != null && now - nextAddressCheck >= 0) {
        if (!stillAssigned(local.getAddress())) {
          throw new ConnectionLostException("this end's address " + local.getAddress().getHostAddress() + " is gone");
        }
        nextAddressCheck = now + interval;
      }
      if (since != NOT_AWAITING && lastPing - since < 0 && writer.written() > writer.acked()
          && nextPing - (since + interval) > 0) {
        // Data on its way after an idle spell, and no PING since: ask within a keepalive interval,
        // not an idle one, so a peer that has nothing to send back (a key not echoed, a request's
        // last frames) answers a PING long before deadAfter.
        nextPing = since + interval;
      }
      if (now - nextPing >= 0) {
        // Silence counts from asking, not from the PING's write: a write blocked on a dead path
        // never returns, and the peer's last frames may have reset the count while it blocked.
        awaitingSince.compareAndSet(NOT_AWAITING, now);
        raise(pingDue);
        lastPing = now;
        nextPing = now + (writer.written() > writer.acked() ? interval : idleInterval);
      }
      long wake = nextPing;
      if (watchLocalAddress && nextAddressCheck - wake < 0) {
        wake = nextAddressCheck;
      }
      if (since != NOT_AWAITING && since + deadAfter - wake < 0) {
        wake = since + deadAfter;
      }
      keepaliveWakeAt = wake;
      if (awaitingSince.get() != since) {
        continue; // an answer became due meanwhile: its deadline may come sooner
      }
      LockSupport.parkNanos(this, wake - now);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  /**
   * Whether {@code local} still belongs to one of this machine's interfaces. A client whose
   * address went away (it roamed to another network) learns so here within a keepalive interval
   * and dials again from its new address, instead of waiting out {@link Liveness#deadAfter()}.
   */
  static boolean stillAssigned(InetAddress local) {
    if (local.isLoopbackAddress() || local.isAnyLocalAddress()) {
      return true;
    }
    try {
      return NetworkInterface.getByInetAddress(local) != null;
    } catch (SocketException e) {
      return true; // cannot tell: the keepalives decide
    }
  }

  /** Ends the write loop once the peer's close has been acknowledged. */
  static final class PeerFinishedException extends IOException {
    PeerFinishedException() {
      super("session closed by peer");
    }
  }
}
