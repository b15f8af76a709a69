package et.bench;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import et.testkit.Poll;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A command on its own PTY (pty4j), as a user's terminal would run it, with the times its output
 * arrives.
 *
 * <p>Threads: one platform reader thread reads the PTY master and stamps each chunk with {@link
 * System#nanoTime()} as soon as {@code read} returns; it also checks the pending {@link #expect}
 * after each chunk, so the time reported is the arrival of the chunk that made the text visible,
 * not the moment a waiting thread happened to wake up. Output and expectation are guarded by {@code
 * this}.
 */
final class PtySession implements AutoCloseable {
  /** CSI, OSC, charset and short ESC sequences: what a terminal does not show as text. */
  private static final Pattern ESCAPES = Pattern.compile(
      "\u001b\\[[0-?]*[ -/]*[@-~]|\u001b\\][^\u0007\u001b]*(?:\u0007|\u001b\\\\)|\u001b[()*+][0-~]|\u001b[=>78MDEcH]");
  private static final Duration EXIT_GRACE = Duration.ofSeconds(10);

  private record Expectation(String text, int from, CompletableFuture<Long> seen) {}

  private final PtyProcess process;
  private final long startNanos;
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private Expectation expected;
  private volatile long lastArrivalNanos;

  private PtySession(PtyProcess process, long startNanos) {
    this.process = process;
    this.startNanos = startNanos;
    this.lastArrivalNanos = startNanos;
    Thread.ofPlatform().daemon().name("pty-reader-" + process.pid()).start(this::readAll);
  }

  /** Starts {@code command} on a new 100x30 PTY in {@code dir}, with only PATH, HOME, TERM and LANG set. */
  static PtySession start(List<String> command, Path dir) throws IOException {
    long start = System.nanoTime();
    PtyProcess process = new PtyProcessBuilder(command.toArray(String[]::new))
        .setEnvironment(Map.of(
            "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
            "HOME", dir.toString(),
            "TERM", "xterm-256color",
            "LANG", "C.UTF-8"))
        .setDirectory(dir.toString())
        .setInitialColumns(100)
        .setInitialRows(30)
        .setConsole(false)
        .start();
    return new PtySession(process, start);
  }

  /** The process on the PTY (for {@code launcher/et}, the client JVM: the launcher execs java). */
  ProcessHandle process() {
    // pty4j's Process does not implement toHandle()
    return ProcessHandle.of(process.pid())
        .orElseThrow(() -> new IllegalStateException("the process on the PTY has ended: pid " + process.pid()));
  }

  /** {@link System#nanoTime()} just before the process was started. */
  long startNanos() {
    return startNanos;
  }

  /**
   * Completes with the arrival time (nanoTime) of the output that makes {@code text} visible in
   * what the PTY printed from byte {@code from} on. One expectation at a time.
   */
  synchronized CompletableFuture<Long> expect(String text, int from) {
    expected = new Expectation(text, from, new CompletableFuture<>());
    CompletableFuture<Long> seen = expected.seen();
    check(lastArrivalNanos);
    return seen;
  }

  /** As {@link #expect(String, int)} from the current end of the output. */
  synchronized CompletableFuture<Long> expectNext(String text) {
    return expect(text, output.size());
  }

  /** Waits for {@code seen}; fails with what the PTY printed when it is late. */
  long await(CompletableFuture<Long> seen, Duration timeout) throws Exception {
    try {
      return seen.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("not seen in " + timeout + "; the PTY printed: " + tail(), e);
    }
  }

  /** Waits until nothing arrived for {@code quiet}, at most {@code max}. */
  void awaitQuiet(Duration quiet, Duration max) throws InterruptedException {
    Poll.until(max, () -> System.nanoTime() - lastArrivalNanos >= quiet.toNanos());
  }

  void type(byte[] keys) throws IOException {
    OutputStream keyboard = process.getOutputStream();
    keyboard.write(keys);
    keyboard.flush();
  }

  /**
   * Waits for the process to exit on its own and returns when (nanoTime, seen from here); fails
   * with what the PTY printed when it is still there after {@code timeout}.
   */
  long awaitExit(Duration timeout) throws Exception {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("still running after " + timeout + "; the PTY printed: " + tail());
    }
    return System.nanoTime();
  }

  /** Clears the line and leaves the shell; kills the process tree if it is still there after a grace. */
  @Override
  public void close() throws Exception {
    try {
      type("\u0015exit\r".getBytes(StandardCharsets.US_ASCII));
    } catch (IOException alreadyGone) {
      // the process ended first: nothing to type into
    }
    if (!process.waitFor(EXIT_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
      ProcessHandle.of(process.pid()).ifPresent(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
      process.destroyForcibly();
      process.waitFor(EXIT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void readAll() {
    byte[] buffer = new byte[8192];
    try (InputStream in = process.getInputStream()) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        long arrival = System.nanoTime();
        synchronized (this) {
          output.write(buffer, 0, n);
          lastArrivalNanos = arrival;
          check(arrival);
        }
      }
    } catch (IOException endOfPty) {
      // pty4j reports the end of the slave side as an I/O error: the reader is done either way
    }
  }

  /** Completes the pending expectation if its text is visible now. Caller holds {@code this}. */
  private void check(long arrival) {
    if (expected == null || expected.from() > output.size()) {
      return;
    }
    byte[] all = output.toByteArray();
    String since = new String(all, expected.from(), all.length - expected.from(), StandardCharsets.ISO_8859_1);
    if (visible(since).contains(expected.text())) {
      expected.seen().complete(arrival);
      expected = null;
    }
  }

  /** {@code raw} without escape sequences; an escape still incomplete at the end is cut off. */
  static String visible(String raw) {
    String text = ESCAPES.matcher(raw).replaceAll("");
    int incomplete = text.indexOf('\u001b');
    return incomplete < 0 ? text : text.substring(0, incomplete);
  }

  private synchronized String tail() {
    String all = output.toString(StandardCharsets.ISO_8859_1);
    return all.substring(Math.max(0, all.length() - 500)).replace("\u001b", "\\e").replace("\r", "\\r").replace("\n", "\\n");
  }
}
