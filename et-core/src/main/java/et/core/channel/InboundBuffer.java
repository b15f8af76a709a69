package et.core.channel;

import et.core.resume.FatalStreamException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
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
 */
final class InboundBuffer {
  private final int window;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition readable = lock.newCondition();
  private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
  private int headOffset;
  private int buffered;
  private int uncredited;
  private boolean finished;
  private IOException failure;

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
      chunks.add(bytes);
      buffered += bytes.length;
      uncredited += bytes.length;
      readable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Reads up to {@code length} bytes, blocking until some arrive; -1 at the end. Returns through
   * {@code credit} how many bytes the caller should now hand back to the peer (0 to wait longer).
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
        try {
          readable.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while reading a channel");
        }
      }
      int done = 0;
      while (done < length && !chunks.isEmpty()) {
        byte[] head = chunks.peek();
        int n = Math.min(length - done, head.length - headOffset);
        System.arraycopy(head, headOffset, target, offset + done, n);
        done += n;
        headOffset += n;
        if (headOffset == head.length) {
          chunks.poll();
          headOffset = 0;
        }
      }
      buffered -= done;
      // Credit in batches of a quarter window: fewer WINDOW frames. No stall: while less than a
      // quarter is uncredited, the sender still holds three quarters of the window.
      int consumed = uncredited - buffered;
      credit[0] = consumed >= window / 4 ? consumed : 0;
      uncredited -= credit[0];
      return done;
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
      buffered = 0;
      headOffset = 0;
      finished = true;
      readable.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
