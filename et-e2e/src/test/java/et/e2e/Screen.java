package et.e2e;

import et.testkit.Poll;
import et.testkit.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Everything written to a PTY, read on its master side by one platform thread (pty4j's reads are
 * native calls) until the PTY closes. Bytes are kept as ISO-8859-1 chars, so comparisons are exact.
 */
final class Screen {
  private final StringBuilder seen = new StringBuilder(); // guarded by itself

  private Screen(InputStream master) {
    Thread.ofPlatform().daemon().name("pty screen").start(() -> read(master));
  }

  static Screen reading(InputStream master) {
    return new Screen(master);
  }

  private void read(InputStream master) {
    byte[] buffer = new byte[65536];
    try {
      for (int n; (n = master.read(buffer)) >= 0; ) {
        String chunk = new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
        synchronized (seen) {
          seen.append(chunk);
        }
      }
    } catch (IOException e) {
      // EIO once every process on the slave side closed it: the normal end on Linux
    }
  }

  int length() {
    synchronized (seen) {
      return seen.length();
    }
  }

  /** Where {@code text} starts at or after {@code from}, or -1. */
  int indexOf(String text, int from) {
    synchronized (seen) {
      return seen.indexOf(text, from);
    }
  }

  String since(int from) {
    synchronized (seen) {
      return seen.substring(Math.min(from, seen.length()));
    }
  }

  /** Waits for {@code text} at or after {@code from}; returns the index just after it, or fails. */
  int await(String text, int from, Duration timeout) throws InterruptedException {
    if (!Poll.until(timeout, () -> indexOf(text, from) >= 0)) {
      String tail = since(Math.max(from, length() - 2000));
      throw new AssertionError("'" + Printable.of(text) + "' not on the PTY within " + timeout + "; its end: " + Printable.of(tail));
    }
    return indexOf(text, from) + text.length();
  }
}
