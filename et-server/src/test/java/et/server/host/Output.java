package et.server.host;

import static org.junit.jupiter.api.Assertions.fail;

import et.testkit.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Everything a channel delivered, read by a virtual thread of its own; tests wait for text to appear
 * (woken at each chunk, bounded by a deadline). Decoded as ISO-8859-1: one byte, one char.
 */
final class Output {
  private final StringBuilder text = new StringBuilder();
  private boolean ended;

  private Output() {}

  /** Starts copying {@code in} until its end. */
  static Output of(InputStream in, String name) {
    Output output = new Output();
    Thread.ofVirtual().name("test-read " + name).start(() -> output.copy(in));
    return output;
  }

  private void copy(InputStream in) {
    byte[] chunk = new byte[8192];
    try {
      for (int n; (n = in.read(chunk)) >= 0; ) {
        append(new String(chunk, 0, n, StandardCharsets.ISO_8859_1));
      }
    } catch (IOException e) {
      append("");
    } finally {
      end();
    }
  }

  private synchronized void append(String more) {
    text.append(more);
    notifyAll();
  }

  private synchronized void end() {
    ended = true;
    notifyAll();
  }

  synchronized String text() {
    return text.toString();
  }

  synchronized int length() {
    return text.length();
  }

  /** Waits until {@code needle} appears at or after {@code from}; returns the offset past it. */
  synchronized int await(String needle, int from, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      int at = text.indexOf(needle, from);
      if (at >= 0) {
        return at + needle.length();
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || ended) {
        fail((ended ? "output ended" : "not within " + timeout.toMillis() + " ms") + " without \""
            + Printable.of(needle) + "\" after offset " + from + "; output ends with: " + Printable.of(tail()));
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** Whether {@code needle} appears at or after {@code from} within {@code timeout}. */
  synchronized boolean appears(String needle, int from, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (text.indexOf(needle, from) < 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || ended) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  /** Waits for the end of the stream; returns everything. */
  synchronized String awaitEnd(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ended) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        fail("output did not end within " + timeout.toMillis() + " ms; so far: " + Printable.of(tail()));
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return text.toString();
  }

  private String tail() {
    return text.substring(Math.max(0, text.length() - 400));
  }
}
