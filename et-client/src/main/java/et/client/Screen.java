package et.client;

import et.client.term.StatusLine;
import et.client.term.TerminalOutput;
import et.client.term.TerminalSize;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The local screen during a terminal session: the remote side's bytes, et's status line and et's
 * own short texts (the escape help) all go through here, one write at a time, so a status line is
 * never drawn in the middle of a remote write.
 *
 * <p>A shown status line is cleared before the next remote bytes (the reconnect is over by then),
 * and by {@link #close()}. After {@link #close()} nothing more is written: the terminal is about to
 * leave raw mode. Thread-safe.
 */
final class Screen {

  private final OutputStream out;
  private final Supplier<TerminalSize> size;
  private final ReentrantLock lock = new ReentrantLock();
  private String statusShown; // guarded by lock; null when no status line is on the screen
  private boolean closed; // guarded by lock

  /** {@code size} gives the terminal's current size (0x0 when unknown: no status line then). */
  Screen(OutputStream out, Supplier<TerminalSize> size) {
    this.out = Objects.requireNonNull(out, "out");
    this.size = Objects.requireNonNull(size, "size");
  }

  /** Shows bytes of the remote side. */
  void remote(byte[] bytes, int offset, int length) throws IOException {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      clearStatusLocked();
      out.write(bytes, offset, length);
      out.flush();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Shows as many of the remote side's bytes as the terminal takes without blocking and returns how
   * many; 0 when the screen is busy, a status line is up, or the output is no {@link
   * TerminalOutput}: then {@link #remote} shows them. Never blocks (the session's socket reader
   * calls it).
   */
  int offer(byte[] bytes, int offset, int length) throws IOException {
    if (!(out instanceof TerminalOutput terminal) || !lock.tryLock()) {
      return 0;
    }
    try {
      if (closed) {
        return length; // nothing more is shown, as in remote()
      }
      return statusShown == null ? terminal.offer(bytes, offset, length) : 0;
    } finally {
      lock.unlock();
    }
  }

  /** Shows et's own text (already with CR LF line ends). */
  void local(byte[] bytes) throws IOException {
    lock.lock();
    try {
      if (!closed) {
        out.write(bytes);
        out.flush();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Shows {@code text} on the status line, unless it is already there or the size is unknown. */
  void status(String text) throws IOException {
    lock.lock();
    try {
      TerminalSize now = size.get();
      if (closed || text.equals(statusShown) || now.columns() < 1 || now.rows() < 1) {
        return;
      }
      out.write(StatusLine.render(text, now));
      out.flush();
      statusShown = text;
    } finally {
      lock.unlock();
    }
  }

  /** Clears the status line if one is shown. */
  void clearStatus() throws IOException {
    lock.lock();
    try {
      if (!closed) {
        clearStatusLocked();
      }
    } finally {
      lock.unlock();
    }
  }

  /** What {@link #hold()} returns: closing it lets writes through again. */
  interface Hold extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Clears a shown status line and holds every write until the returned {@link Hold} is closed,
   * from the same thread: while et is suspended ({@code ~^Z}) its shell has the terminal. Offers
   * find the screen busy meanwhile, so remote output waits in its channel.
   */
  Hold hold() throws IOException {
    lock.lock();
    try {
      clearStatusLocked();
    } catch (IOException | RuntimeException e) {
      lock.unlock();
      throw e;
    }
    return lock::unlock;
  }

  /**
   * Clears a shown status line and stops all further writes. Waits at most {@code patience} for a
   * write in progress (one blocked on a stopped terminal must not keep et from restoring it);
   * returns false if it could not take its turn, having stopped nothing.
   */
  boolean close(Duration patience) throws InterruptedException {
    if (!lock.tryLock(patience.toNanos(), TimeUnit.NANOSECONDS)) {
      return false;
    }
    try {
      if (!closed) {
        try {
          clearStatusLocked();
        } catch (IOException e) {
          // the terminal is gone: nothing left to clear
        }
        closed = true;
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void clearStatusLocked() throws IOException {
    if (statusShown == null) {
      return;
    }
    statusShown = null;
    TerminalSize now = size.get();
    if (now.columns() > 0 && now.rows() > 0) {
      out.write(StatusLine.clear(now));
      out.flush();
    }
  }
}
