package et.client.testing;

import et.testkit.Await;
import et.testkit.Printable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Everything a program wrote to a PTY, as seen on its master side: one platform thread reads it
 * (pty4j's reads are native calls that would pin a virtual thread's carrier) until the PTY closes.
 */
public final class PtyScreen {

  private final ByteArrayOutputStream seen = new ByteArrayOutputStream(); // guarded by itself

  private PtyScreen(InputStream master) {
    Thread.ofPlatform().daemon().name("pty screen").start(() -> read(master));
  }

  public static PtyScreen reading(InputStream master) {
    return new PtyScreen(master);
  }

  private void read(InputStream master) {
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = master.read(buffer)) >= 0; ) {
        synchronized (seen) {
          seen.write(buffer, 0, n);
        }
      }
    } catch (IOException e) {
      // EIO once every process on the slave side closed it: the normal end on Linux
    }
  }

  /** All output so far, as UTF-8 text. */
  public String text() {
    synchronized (seen) {
      return seen.toString(StandardCharsets.UTF_8);
    }
  }

  /** Waits until the output contains {@code expected}; fails showing the output (escaped) at the deadline. */
  public void awaitText(String expected, Duration timeout) throws InterruptedException {
    Await.until("'" + Printable.of(expected) + "' on the PTY", timeout, () -> text().contains(expected),
        () -> "; it shows: " + Printable.of(text()));
  }
}
