package et.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Drains one output stream of a process on its own virtual thread, keeping the first {@code limit}
 * bytes and discarding the rest (still reading, so the process never blocks on a full pipe).
 */
final class BoundedCapture {
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private final int limit;
  private boolean truncated; // guarded by this
  private final Thread reader;

  private BoundedCapture(String name, InputStream in, int limit) {
    this.limit = limit;
    this.reader = Thread.ofVirtual().name(name).start(() -> drain(in));
  }

  static BoundedCapture start(String name, InputStream in, int limit) {
    return new BoundedCapture(name, in, limit);
  }

  private void drain(InputStream in) {
    byte[] buffer = new byte[16 * 1024];
    try (in) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        keep(buffer, n);
      }
    } catch (IOException e) {
      // The stream was closed under us (process killed): what was read so far is the result.
    }
  }

  private synchronized void keep(byte[] buffer, int n) {
    int room = limit - kept.size();
    kept.write(buffer, 0, Math.min(room, n));
    truncated |= n > room;
  }

  /** Waits until the stream reached its end (every writer closed it); false at the timeout. */
  boolean awaitEnd(Duration timeout) throws InterruptedException {
    return reader.join(timeout);
  }

  synchronized String text() {
    return kept.toString(StandardCharsets.UTF_8);
  }

  synchronized boolean truncated() {
    return truncated;
  }
}
