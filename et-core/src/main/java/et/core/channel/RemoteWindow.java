package et.core.channel;

import et.core.resume.FatalStreamException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How many bytes we may still send on a channel before the peer hands back credit: the window seen
 * from the sending side. Invariant: {@code 0 ≤ available ≤ window}.
 *
 * <p>Threads: application writers take, the socket-reader grants. {@link #fail} wakes writers for
 * good with the reason.
 */
final class RemoteWindow {
  private final int window;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition opened = lock.newCondition();
  private int available;
  private IOException failure;

  RemoteWindow(int window) {
    this.window = window;
    this.available = window;
  }

  /** Takes between 1 and {@code max} bytes of window, blocking until there is some. */
  int take(int max) throws IOException {
    lock.lock();
    try {
      while (available == 0 && failure == null) {
        try {
          opened.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while waiting for channel window");
        }
      }
      if (failure != null) {
        throw failure;
      }
      int n = Math.min(max, available);
      available -= n;
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** The peer read {@code bytes} more; a grant beyond the window is fatal. */
  void grant(int bytes) throws FatalStreamException {
    lock.lock();
    try {
      if (bytes <= 0 || available + (long) bytes > window) {
        throw new FatalStreamException(
            "window credit of " + bytes + " with " + available + " of " + window + " available");
      }
      available += bytes;
      opened.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Fails current and future takes with {@code reason}. */
  void fail(IOException reason) {
    lock.lock();
    try {
      if (failure == null) {
        failure = reason;
      }
      opened.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
