package et.core.resume;

import et.core.crypto.SequenceAead;
import et.core.wire.Frame;
import et.core.wire.FrameHeader;
import et.core.wire.FrameType;
import et.core.wire.ProtocolException;
import java.io.IOException;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The sending half of a resumable stream: every sealed frame the peer has not acknowledged, in a
 * bounded ring, so a reconnect resends exactly what the peer missed.
 *
 * <p>Invariants (sequence numbers count frames from 0; byte offsets count sealed bytes from 0):
 *
 * <ol>
 *   <li>{@code 0 ≤ acked ≤ nextToSend ≤ written}
 *   <li>{@code written − acked ≤ slots.length} and {@code bytesHeld ≤ capacityBytes}, except that
 *       one frame is always admitted into an empty ring
 *   <li>{@code slots[seq & mask]} holds frame {@code seq} for every {@code acked ≤ seq < written}
 *   <li>{@code bytesUnsent} is the sum of slot sizes in [nextToSend, written)
 *   <li>each sequence number is sealed exactly once, so the stream key never sees a nonce twice
 * </ol>
 *
 * <p>Admission: a bulk frame (a payload over {@value #INTERACTIVE_BYTES} bytes) waits while more
 * than {@code bulkUnsentBytes} wait to be sent or the next to send has waited {@link #BULK_QUEUE},
 * and leaves {@code interactiveReserveBytes} of the ring to small frames. So keystrokes and other
 * small frames are sealed behind at most that much bulk (on a slow link, what it sends in that
 * time), never behind a full backlog of it, and never wait for room that bulk took.
 *
 * <p>Threads: producers append (sealing and publishing serialised by {@code appendLock}, so
 * sequence numbers are assigned in order and each is sealed once; a producer waits for room
 * without the lock); whoever holds the current connection's send lock (its socket-writer, or a
 * producer sending its own frames, see {@link LiveConnection#sendFromProducer}) reads and advances
 * {@code nextToSend}; its socket-reader acknowledges; between connections the stream's run resumes
 * ({@link #resumeFrom}, under the append lock). Otherwise the ring is lock-free: indices are
 * volatile longs, slots are published before {@code written}, and waiting is park/unpark.
 */
public final class BackedWriter {
  /** Frames with payloads up to this size are interactive: they skip the bulk limits. */
  public static final int INTERACTIVE_BYTES = 1024;
  /** Bulk waits while the next frame to send has waited this long: a slow link's queue. */
  static final Duration BULK_QUEUE = Duration.ofMillis(5);
  static final long BULK_QUEUE_NANOS = BULK_QUEUE.toNanos();

  private final SequenceAead streamAead;
  private final Frame[] slots;
  /** When each slot's frame was appended (nanoClock), for the bulk admission. */
  private final long[] appendedAt;
  private final int mask;
  private final long capacityBytes;
  private final long bulkUnsentBytes;
  private final long interactiveReserveBytes;
  private final LongSupplier nanoClock;
  private final ReentrantLock appendLock = new ReentrantLock();

  /** Sequence number the next appended frame gets; written only under appendLock. */
  private volatile long written;
  /** Frames below this the peer has acknowledged; written only by the acknowledging thread. */
  private volatile long acked;
  /** Next frame to send on the current connection; advanced under its send lock. */
  private volatile long nextToSend;
  /** Sealed bytes held in the ring: sum of slot sizes in [acked, written). */
  private final AtomicLong bytesHeld = new AtomicLong();
  /** Sealed bytes not yet taken for sending: sum of slot sizes in [nextToSend, written). */
  private final AtomicLong bytesUnsent = new AtomicLong();

  private volatile boolean closed;
  /** Producers waiting for room; woken by acknowledgements, sends that free the bulk limit, close. */
  private final Queue<Thread> waitingProducers = new ConcurrentLinkedQueue<>();
  private volatile Thread sender;

  /**
   * A ring of at most {@code capacityFrames} (a power of two) frames and {@code capacityBytes};
   * bulk frames wait while more than {@code bulkUnsentBytes} are unsent and leave {@code
   * interactiveReserveBytes} to interactive ones.
   */
  public BackedWriter(
      SequenceAead streamAead, int capacityFrames, long capacityBytes, long bulkUnsentBytes, long interactiveReserveBytes) {
    this(streamAead, capacityFrames, capacityBytes, bulkUnsentBytes, interactiveReserveBytes, System::nanoTime);
  }

  /** As the public constructor, with the clock the bulk admission reads (tests move it by hand). */
  BackedWriter(
      SequenceAead streamAead,
      int capacityFrames,
      long capacityBytes,
      long bulkUnsentBytes,
      long interactiveReserveBytes,
      LongSupplier nanoClock) {
    if (Integer.bitCount(capacityFrames) != 1) {
      throw new IllegalArgumentException("capacityFrames must be a power of two: " + capacityFrames);
    }
    if (capacityBytes < FrameType.MAX_DATA_BYTES * 2L) {
      throw new IllegalArgumentException("capacityBytes too small: " + capacityBytes);
    }
    if (bulkUnsentBytes < 1 || interactiveReserveBytes < 0 || interactiveReserveBytes > capacityBytes / 2) {
      throw new IllegalArgumentException(
          "bulkUnsentBytes must be positive and interactiveReserveBytes within [0, capacityBytes / 2]: "
              + bulkUnsentBytes + ", " + interactiveReserveBytes);
    }
    this.streamAead = streamAead;
    this.slots = new Frame[capacityFrames];
    this.appendedAt = new long[capacityFrames];
    this.mask = capacityFrames - 1;
    this.capacityBytes = capacityBytes;
    this.bulkUnsentBytes = bulkUnsentBytes;
    this.interactiveReserveBytes = interactiveReserveBytes;
    this.nanoClock = nanoClock;
  }

  /**
   * Seals and appends one frame, blocking while there is no room for it (back-pressure, never a
   * drop). Returns its sequence number.
   */
  public long append(FrameType type, int channel, byte[] payload)
      throws IOException, InterruptedException {
    if (type.kind != FrameType.Kind.STREAM) {
      throw new IllegalArgumentException("not a stream frame: " + type);
    }
    int size = payload.length + SequenceAead.TAG_BYTES + FrameHeader.BYTES;
    boolean bulk = payload.length > INTERACTIVE_BYTES;
    while (true) {
      awaitRoom(size, bulk);
      appendLock.lockInterruptibly();
      try {
        checkOpen();
        if (hasRoom(size, bulk)) {
          long seq = written;
          // Sealed only once room is certain: an abandoned seal would let this number be sealed again.
          Frame frame = Frame.seal(streamAead, type, channel, seq, payload);
          slots[(int) (seq & mask)] = frame;
          appendedAt[(int) (seq & mask)] = nanoClock.getAsLong();
          bytesHeld.addAndGet(frame.size());
          bytesUnsent.addAndGet(frame.size());
          written = seq + 1;
          return seq; // the caller sends it, or wakes the socket-writer (ResumableStream.send)
        }
      } finally {
        appendLock.unlock();
      }
    }
  }

  /** Whether a frame of {@code size} sealed bytes may go in now. */
  private boolean hasRoom(int size, boolean bulk) {
    long held = written - acked;
    if (held == 0) {
      return true;
    }
    if (held >= slots.length) {
      return false;
    }
    if (!bulk) {
      return bytesHeld.get() + size <= capacityBytes;
    }
    return bytesHeld.get() + size <= capacityBytes - interactiveReserveBytes && bulkMayGo();
  }

  /**
   * Whether bulk may join the unsent frames: fewer than {@code bulkUnsentBytes} of them, and the
   * next to go out has waited less than {@link #BULK_QUEUE}. So on a slow link bulk keeps
   * only what the link sends in that time ahead of a keystroke, not {@code bulkUnsentBytes}.
   */
  private boolean bulkMayGo() {
    if (bytesUnsent.get() >= bulkUnsentBytes) {
      return false;
    }
    long next = nextToSend;
    return next >= written || nanoClock.getAsLong() - appendedAt[(int) (next & mask)] < BULK_QUEUE_NANOS;
  }

  private void awaitRoom(int size, boolean bulk) throws IOException, InterruptedException {
    while (true) {
      checkOpen();
      if (hasRoom(size, bulk)) {
        return;
      }
      Thread me = Thread.currentThread();
      waitingProducers.add(me);
      try {
        // Re-checked after publishing ourselves, so an acknowledgement, send or close in between is seen.
        checkOpen();
        if (hasRoom(size, bulk)) {
          return;
        }
        wake(sender);
        LockSupport.park(this);
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      } finally {
        waitingProducers.remove(me);
      }
    }
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
  }

  /** Records that the peer holds every frame below {@code peerReceived}; frees their slots. */
  public void acknowledge(long peerReceived) throws ProtocolException {
    long from = acked;
    if (peerReceived <= from) {
      return; // an older acknowledgement overtaken by a newer one
    }
    if (peerReceived > nextToSend) {
      throw new ProtocolException(
          "acknowledgement of frame " + peerReceived + " beyond those sent (" + nextToSend + ")");
    }
    long freed = 0;
    for (long seq = from; seq < peerReceived; seq++) {
      int slot = (int) (seq & mask);
      freed += slots[slot].size();
      slots[slot] = null;
    }
    bytesHeld.addAndGet(-freed);
    acked = peerReceived;
    wakeProducers();
  }

  /**
   * Starts a new connection: the peer holds every frame below {@code peerReceived}, so sending
   * resumes there. Called while no socket-writer runs.
   */
  public void resumeFrom(long peerReceived) throws ProtocolException {
    if (peerReceived < acked || peerReceived > written) {
      throw new ProtocolException(
          "peer resumes from frame " + peerReceived + ", outside [" + acked + ", " + written + "]");
    }
    // Under the append lock, so no frame is published while the unsent bytes are counted again.
    appendLock.lock();
    try {
      nextToSend = peerReceived;
      acknowledge(peerReceived);
      long unsent = 0;
      for (long seq = peerReceived; seq < written; seq++) {
        unsent += slots[(int) (seq & mask)].size();
      }
      bytesUnsent.set(unsent);
    } finally {
      appendLock.unlock();
    }
  }

  /** The next frame to send and advances the cursor, or null when all appended frames are sent. */
  public Frame nextToSend() {
    long seq = nextToSend;
    if (seq >= written) {
      return null;
    }
    int slot = (int) (seq & mask);
    Frame frame = slots[slot];
    nextToSend = seq + 1;
    long unsent = bytesUnsent.addAndGet(-frame.size());
    // Only a frame that held bulk back (by the bytes unsent or by its wait) can free it: waking
    // every producer at each frame taken would cost a flood of many channels dearly. The slot's
    // time stays readable: the peer cannot acknowledge this frame before it is written.
    if (!waitingProducers.isEmpty()
        && (unsent < bulkUnsentBytes && unsent + frame.size() >= bulkUnsentBytes
            || nanoClock.getAsLong() - appendedAt[slot] >= BULK_QUEUE_NANOS)
        && bulkMayGo()) {
      wakeProducers(); // bulk may go on
    }
    return frame;
  }

  /** Registers the thread to unpark when a frame is appended (the current socket-writer). */
  public void setSender(Thread thread) {
    sender = thread;
  }

  public long written() {
    return written;
  }

  public long acked() {
    return acked;
  }

  /** Sealed bytes held for replay. */
  public long bytesHeld() {
    return bytesHeld.get();
  }

  /** Fails current and future appends; the backlog stays readable. */
  public void close() {
    closed = true;
    wakeProducers();
  }

  private void wakeProducers() {
    waitingProducers.forEach(LockSupport::unpark);
  }

  private static void wake(Thread thread) {
    if (thread != null) {
      LockSupport.unpark(thread);
    }
  }

  /** Checks the numbered invariants; for tests. */
  void checkInvariants() {
    long a = acked;
    long s = nextToSend;
    long w = written;
    if (!(0 <= a && a <= s && s <= w)) {
      throw new IllegalStateException("acked " + a + " nextToSend " + s + " written " + w);
    }
    if (w - a > slots.length) {
      throw new IllegalStateException("holding " + (w - a) + " frames in " + slots.length + " slots");
    }
  }
}
