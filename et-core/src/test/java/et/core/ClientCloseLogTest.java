package et.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import et.core.testing.Loopback;

/**
 * An orderly close by the client is not a failure and must not be logged as one. (tinylog's
 * console writer looks System.err up on every entry, so swapping it captures the log.)
 */
class ClientCloseLogTest {
  /** The bug shows within milliseconds of the end; this is how long its absence is watched. */
  private static final long WATCH_MILLIS = 1_000;

  @Test
  void aClientCloseLogsNoFailure() throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
    try {
      SessionOptions options = SessionOptions.defaults();
      try (EternalServer server = Loopback.server(options)) {
        Session serverSide = server.newSession();
        Session client = Loopback.connect(server, serverSide, options);
        client.close(0, "done");
        assertTrue(client.awaitEnd(Duration.ofSeconds(5)));
        assertEquals(SessionEnd.Cause.CLOSED_LOCALLY, client.end().cause());
        assertTrue(serverSide.awaitEnd(Duration.ofSeconds(5)));

        String failure = client + ": failed";
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WATCH_MILLIS);
        while (System.nanoTime() < deadline) {
          String log;
          synchronized (captured) {
            log = captured.toString(StandardCharsets.UTF_8);
          }
          assertFalse(log.contains(failure), "an orderly close was logged as a failure:\n" + log);
          Thread.sleep(10); // poll interval while watching for the error line
        }
      }
    } finally {
      System.setErr(original);
    }
  }

  /** Writes to both streams. */
  private static final class Tee extends OutputStream {
    private final OutputStream first;
    private final ByteArrayOutputStream second;

    Tee(OutputStream first, ByteArrayOutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws java.io.IOException {
      first.write(b);
      synchronized (second) {
        second.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws java.io.IOException {
      first.write(b, off, len);
      synchronized (second) {
        second.write(b, off, len);
      }
    }

    @Override
    public void flush() throws java.io.IOException {
      first.flush();
    }
  }
}
