package et.server.session;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;

/**
 * Whether the host's first program is underway, as its user sees it: it has written to its
 * terminal and then fallen quiet for {@link #QUIET} (a shell's prompt is up), or a program has
 * ended. The host's warm-up waits for this so as not to take the CPU from a start the user waits
 * for. Every session's program reports here; only the first report matters.
 */
public final class ProgramsUnderway {
  /** Quiet this long after output: the program waits for its user. */
  static final Duration QUIET = Duration.ofMillis(250);

  private volatile long lastOutputNanos;
  private volatile boolean output;
  private volatile boolean ended;

  /** Waits until a program is underway, at most {@code limit}; true if it is. */
  public boolean await(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      long now = System.nanoTime();
      if (ended || output && now - lastOutputNanos >= QUIET.toNanos()) {
        return true;
      }
      long wake = output ? lastOutputNanos + QUIET.toNanos() : now + QUIET.toNanos();
      if (now - deadline >= 0) {
        return false;
      }
      Thread.sleep(Duration.ofNanos(Math.max(1, Math.min(wake, deadline) - now)));
    }
  }

  /** {@code terminal}, noting each write as the program's output. */
  OutputStream watching(OutputStream terminal) {
    return new FilterOutputStream(terminal) {
      @Override
      public void write(int b) throws IOException {
        out.write(b);
        wrote();
      }

      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
        wrote();
      }
    };
  }

  private void wrote() {
    lastOutputNanos = System.nanoTime();
    output = true;
  }

  /** A program ended (or could not start). */
  void ended() {
    ended = true;
  }
}
