package et.server.pty;

import static org.junit.jupiter.api.Assertions.fail;

import et.testkit.Printable;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * Everything a terminal printed, as a sink for the output pump; tests wait on it for text to
 * appear. Waiting is event driven (each write wakes the waiters) and bounded by a deadline.
 * Text is decoded as ISO-8859-1 so that one byte is one char and indexes are byte offsets.
 */
final class Transcript extends OutputStream {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  @Override
  public synchronized void write(int b) {
    bytes.write(b);
    notifyAll();
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    bytes.write(b, off, len);
    notifyAll();
  }

  synchronized int size() {
    return bytes.size();
  }

  synchronized byte[] bytesFrom(int offset) {
    byte[] all = bytes.toByteArray();
    return Arrays.copyOfRange(all, Math.min(offset, all.length), all.length);
  }

  synchronized String text() {
    return bytes.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * Waits until {@code needle} appears at or after {@code from}; returns the offset just past it.
   * Fails the test after {@code timeout}, showing the tail of the output.
   */
  synchronized int await(String needle, int from, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      int at = text().indexOf(needle, from);
      if (at >= 0) {
        return at + needle.length();
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        fail("not within " + timeout.toMillis() + " ms: \"" + needle + "\" after offset " + from
            + "; output ends with: " + Printable.of(tail(400)));
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** Waits until at least {@code count} bytes follow {@code from}; fails after {@code timeout}. */
  synchronized void awaitBytes(int from, int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (bytes.size() - from < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        fail("not within " + timeout.toMillis() + " ms: " + count + " bytes after offset " + from
            + ", got " + (bytes.size() - from) + "; output ends with: " + Printable.of(tail(400)));
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** How many times {@code needle} occurs in the output so far. */
  synchronized int count(String needle) {
    String text = text();
    int count = 0;
    for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
      count++;
    }
    return count;
  }

  private String tail(int chars) {
    String text = text();
    return text.substring(Math.max(0, text.length() - chars));
  }
}
