package et.core.channel;

import et.core.ChannelSink;
import et.core.resume.FatalStreamException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bytes a channel has received and the application has not read yet: the local window, seen from
 * the receiving side.
 *
 * <p>Invariants: {@code 0 ≤ buffered ≤ uncredited ≤ window}. {@code uncredited} counts bytes the
 * peer sent that we have not yet handed back as window credit; the peer may never push it past
 * {@code window}.
 *
 * <p>Threads: the socket-reader offers (never blocks); one application thread reads at a time.
 * Close semantics: after {@link #finish} reads drain what is buffered and then see the end (EOF,
 * or the failure given).
 *
 * <p>Drain mode ({@link #attach}): while the draining thread has written everything it read and
 * nothing is buffered, the socket-reader hands arriving bytes to the sink's {@link
 * ChannelSink#offer} itself; what the sink does not take is buffered behind, in order. Such bytes
 * count as read at once, so the draining thread is woken only to hand their credit back.
 *
 * <p>Memory: the window bounds the bytes, and coalescing bounds what they cost. Arrivals smaller
 * than {@link #COALESCE_BYTES} are copied into a shared chunk of that size, so a peer sending one
 * byte per frame cannot make each byte cost an array and a queue slot (some 30 times the window);
 * larger ones are kept as they came, without a copy. What is held stays below about twice the
 * window (a chunk begun by a small arrival and closed by a large one may be mostly empty).
 */
final class InboundBuffer {
  /** Arrivals below this are gathered into chunks of this size. */
  static final int COALESCE_BYTES = 4096;

  /** Received bytes: {@code bytes[0, length)}; only the last chunk may still be filling. */
  private static final class Chunk {
    final byte[] bytes;
    int length;

    Chunk(byte[] bytes, int length) {
      this.bytes = bytes;
      this.length = length;
    }
  }

  private final int window;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition readable = lock.newCondition();
  private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
  /** The last chunk, while it has room for small arrivals; null otherwise. */
  private Chunk filling;
  private int headOffset;
  private int buffered;
  private int uncredited;
  private boolean finished;
  private IOException failure;
  /** The sink of a drain in progress; null otherwise. */
  private ChannelSink direct;
  /** The draining thread is writing bytes it read: arrivals queue behind them. */
  private boolean draining;
  /** Bytes the sink took straight from the socket-reader. */
  private long offered;

  InboundBuffer(int window) {
    this.window = window;
  }

  /** Appends bytes from the peer; a peer overrunning its window is fatal. Never blocks. */
  void offer(byte[] bytes) throws FatalStreamException {
    lock.lock();
    try {
      if (finished) {
        return; // the application closed its side; bytes in flight are dropped
      }
      if (uncredited + bytes.length > window) {
        throw new FatalStreamException(
            "peer sent " + bytes.length + " bytes with only " + (window - uncredited) + " of window");
      }
      uncredited += bytes.length;
      int taken = buffered == 0 && direct != null && !draining ? offerDirectly(bytes) : 0;
      if (taken < bytes.length) {
        append(bytes, taken);
        buffered += bytes.length - taken;
        readable.signalAll();
      } else if (creditDue()) {
        readable.signalAll(); // the draining thread hands the credit back
      }
    } finally {
      lock.unlock();
    }
  }

  /** Queues {@code bytes[from..]}: small arrivals are gathered, large ones kept as they are. */
  private void append(byte[] bytes, int from) {
    int length = bytes.length - from;
    if (length >= COALESCE_BYTES) {
      chunks.add(new Chunk(from == 0 ? bytes : Arrays.copyOfRange(bytes, from, bytes.length), length));
      filling = null;
      return;
    }
    if (filling == null || filling.bytes.length - filling.length < length) {
      filling = new Chunk(new byte[COALESCE_BYTES], 0);
      chunks.add(filling);
    }
    System.arraycopy(bytes, from, filling.bytes, filling.length, length);
    filling.length += length;
  }

  /** Bytes the sink took; 0 when it failed (the draining thread's write reports that). */
  private int offerDirectly(byte[] bytes) {
    try {
      int taken = direct.offer(bytes, 0, bytes.length);
      offered += taken;
      return taken;
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * Reads up to {@code length} bytes, blocking until some arrive; -1 at the end. Returns through
   * {@code credit} how many bytes the caller should now hand back to the peer (0 to wait longer).
   * In drain mode it may return 0: no bytes, only credit for those the sink took directly.
   */
  int read(byte[] target, int offset, int length, int[] credit) throws IOException {
    credit[0] = 0;
    lock.lock();
    try {
      while (buffered == 0) {
        if (finished) {
          if (failure != null) {
            throw failure;
          }
          return -1;
        }
        if (direct != null && creditDue()) {
          break;
        }
        try {
          readable.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while reading a channel");
        }
      }
      int done = 0;
      while (done < length && !chunks.isEmpty()) {
        Chunk head = chunks.peek();
        int n = Math.min(length - done, head.length - headOffset);
        System.arraycopy(head.bytes, headOffset, target, offset + done, n);
        done += n;
        headOffset += n;
        if (headOffset == head.length) {
          chunks.poll();
          headOffset = 0;
          if (head == filling) {
            filling = null; // emptied: the next small arrival starts a fresh chunk
          }
        }
      }
      buffered -= done;
      draining = direct != null && done > 0;
      if (creditDue()) {
        credit[0] = uncredited - buffered;
        uncredited = buffered;
      }
      return done;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Credit goes back in batches of a quarter window: fewer WINDOW frames. No stall: while less than
   * a quarter is uncredited, the sender still holds three quarters of the window.
   */
  private boolean creditDue() {
    return uncredited - buffered >= window / 4;
  }

  /** Starts drain mode: {@code sink} may get arriving bytes from the socket-reader. */
  void attach(ChannelSink sink) {
    lock.lock();
    try {
      if (direct != null) {
        throw new IllegalStateException("the channel is already being drained");
      }
      direct = sink;
    } finally {
      lock.unlock();
    }
  }

  /** The draining thread has written what it read: arrivals may go to the sink directly again. */
  void caughtUp() {
    lock.lock();
    try {
      draining = false;
    } finally {
      lock.unlock();
    }
  }

  /** Ends drain mode; returns the bytes the sink took straight from the socket-reader. */
  long detach() {
    lock.lock();
    try {
      direct = null;
      draining = false;
      return offered;
    } finally {
      lock.unlock();
    }
  }

  /** Bytes ready to read without blocking. */
  int available() {
    lock.lock();
    try {
      return buffered;
    } finally {
      lock.unlock();
    }
  }

  /** No more bytes will come: readers drain what is here, then see EOF or {@code failure}. */
  void finish(IOException failureOrNull) {
    lock.lock();
    try {
      if (!finished) {
        finished = true;
        failure = failureOrNull;
      }
      readable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The application will read no more: drop what is buffered and wake readers. */
  void discard() {
    lock.lock();
    try {
      chunks.clear();
      filling = null;
      buffered = 0;
      headOffset = 0;
      finished = true;
      readable.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
