package et.core.resume;

import et.core.crypto.SequenceAead;
import et.core.wire.Frame;
import et.core.wire.FrameHeader;
import et.core.wire.FrameType;
import et.core.wire.ProtocolException;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sending half of a resumable stream: every sealed frame the peer has not acknowledged, in a
 * bounded ring, so a reconnect resends exactly what the peer missed.
 *
 * <p>Invariants (sequence numbers count frames from 0):
 *
 * <ol>
 *   <li>{@code 0 ≤ acked ≤ nextToSend ≤ written}
 *   <li>{@code written − acked ≤ slots.length} and {@code bytesHeld ≤ capacityBytes}, except that
 *       one frame is always admitted into an empty ring
 *   <li>{@code slots[seq & mask]} holds frame {@code seq} for every {@code acked ≤ seq < written}
 *   <li>each sequence number is sealed exactly once, so the stream key never sees a nonce twice
 * </ol>
 *
 * <p>Threads: producers append (serialised by {@code appendLock}: sequence numbers are assigned in
 * order and each is sealed once); whoever holds the current connection's send lock (its
 * socket-writer, or a producer sending its own frames, see {@link LiveConnection#sendFromProducer})
 * reads and advances {@code nextToSend}; its socket-reader acknowledges; between connections the
 * stream's run resumes ({@link #resumeFrom}). The ring itself is lock-free: indices are volatile
 * longs, slots are published before {@code written}, and waiting is park/unpark.
 */
public final class BackedWriter {
  private final SequenceAead streamAead;
  private final Frame[] slots;
  private final int mask;
  private final long capacityBytes;
  private final ReentrantLock appendLock = new ReentrantLock();

  /** Sequence number the next appended frame gets; written only under appendLock. */
  private volatile long written;
  /** Frames below this the peer has acknowledged; written only by the acknowledging thread. */
  private volatile long acked;
  /** Next frame to send on the current connection; advanced under its send lock. */
  private volatile long nextToSend;
  /** Sealed bytes held in the ring: sum of slot sizes in [acked, written). */
  private final AtomicLong bytesHeld = new AtomicLong();

  private volatile boolean closed;
  private volatile Thread waitingProducer;
  private volatile Thread sender;

  /** A ring of at most {@code capacityFrames} (a power of two) frames and {@code capacityBytes}. */
  public BackedWriter(SequenceAead streamAead, int capacityFrames, long capacityBytes) {
    if (Integer.bitCount(capacityFrames) != 1) {
      throw new IllegalArgumentException("capacityFrames must be a power of two: " + capacityFrames);
    }
    if (capacityBytes < FrameType.MAX_DATA_BYTES * 2L) {
      throw new IllegalArgumentException("capacityBytes too small: " + capacityBytes);
    }
    this.streamAead = streamAead;
    this.slots = new Frame[capacityFrames];
    this.mask = capacityFrames - 1;
    this.capacityBytes = capacityBytes;
  }

  /**
   * Seals and appends one frame, blocking while the ring is full (back-pressure, never a drop).
   * Returns its sequence number.
   */
  public long append(FrameType type, int channel, byte[] payload)
      throws IOException, InterruptedException {
    if (type.kind != FrameType.Kind.STREAM) {
      throw new IllegalArgumentException("not a stream frame: " + type);
    }
    appendLock.lockInterruptibly();
    try {
      int size = payload.length + SequenceAead.TAG_BYTES + FrameHeader.BYTES;
      awaitRoom(size);
      long seq = written;
      // Sealed only once room is certain: an abandoned seal would let this number be sealed again.
      Frame frame = Frame.seal(streamAead, type, channel, seq, payload);
      slots[(int) (seq & mask)] = frame;
      bytesHeld.addAndGet(frame.size());
      written = seq + 1;
      return seq; // the caller sends it, or wakes the socket-writer (ResumableStream.send)
    } finally {
      appendLock.unlock();
    }
  }

  private void awaitRoom(int size) throws IOException, InterruptedException {
    while (true) {
      checkOpen();
      long held = written - acked;
      if (held == 0 || (held < slots.length && bytesHeld.get() + size <= capacityBytes)) {
        waitingProducer = null;
        return;
      }
      waitingProducer = Thread.currentThread();
      // Re-checked after publishing ourselves, so an acknowledgement or close in between is seen.
      checkOpen();
      held = written - acked;
      if (held < slots.length && bytesHeld.get() + size <= capacityBytes) {
        continue;
      }
      wake(sender);
      LockSupport.park(this);
      if (Thread.interrupted()) {
        throw new InterruptedException();
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
    wake(waitingProducer);
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
    nextToSend = peerReceived;
    acknowledge(peerReceived);
  }

  /** The next frame to send and advances the cursor, or null when all appended frames are sent. */
  public Frame nextToSend() {
    long seq = nextToSend;
    if (seq >= written) {
      return null;
    }
    Frame frame = slots[(int) (seq & mask)];
    nextToSend = seq + 1;
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
    wake(waitingProducer);
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
