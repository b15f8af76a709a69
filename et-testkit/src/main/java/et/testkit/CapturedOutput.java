package et.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Everything a program wrote, kept for a test to read and to wait on: a sink to write into, or
 * filled by a thread that reads a stream to its end ({@link #readFrom}). Waiting is event driven
 * (each write and the end wake the waiters) and bounded by a deadline; a wait for text fails at
 * once when the output ended without it.
 *
 * <p>Text is decoded with the charset given at construction, ISO-8859-1 by default, so that one
 * byte is one char and text offsets are byte offsets. {@link #bytesFrom} and {@link #awaitBytes}
 * count bytes whatever the charset. Only the first {@code limit} bytes are kept; the rest is
 * counted as {@link #truncated()} and dropped.
 */
public final class CapturedOutput extends OutputStream {
  private static final int READ_CHUNK = 64 * 1024;
  private static final int TAIL_CHARS = 2000;

  private final Charset charset;
  private final boolean oneCharPerByte;
  private final int limit;
  private final StringBuilder seen = new StringBuilder(); // one char per byte; guarded by this
  private boolean truncated; // guarded by this
  private boolean ended; // guarded by this

  /** Output decoded as ISO-8859-1, kept whole. */
  public CapturedOutput() {
    this(StandardCharsets.ISO_8859_1);
  }

  /** Output decoded with {@code charset}, kept whole. */
  public CapturedOutput(Charset charset) {
    this(charset, Integer.MAX_VALUE);
  }

  /** Output decoded with {@code charset}, of which the first {@code limit} bytes are kept. */
  public CapturedOutput(Charset charset, int limit) {
    this.charset = charset;
    this.oneCharPerByte = charset.equals(StandardCharsets.ISO_8859_1);
    this.limit = limit;
  }

  /**
   * Copies {@code in} into this output until its end, then ends this output, on a platform daemon
   * thread named {@code name} (a PTY's reads are native calls that would pin a virtual thread's
   * carrier). A read error ends the output like the end of the stream (a PTY's master fails with
   * EIO once the last process on its other side closed it). The stream stays open: it is its
   * owner's to close. Returns this.
   */
  public CapturedOutput readFrom(InputStream in, String name) {
    Thread.ofPlatform().daemon().name(name).start(() -> copy(in));
    return this;
  }

  private void copy(InputStream in) {
    byte[] chunk = new byte[READ_CHUNK];
    try {
      for (int n; (n = in.read(chunk)) >= 0; ) {
        write(chunk, 0, n);
      }
    } catch (IOException e) {
      // the stream broke or was closed under the reader: what came so far is the output
    } finally {
      close();
    }
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b) {
    write(b, 0, b.length);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    int kept = Math.min(len, limit - seen.length());
    seen.append(new String(b, off, kept, StandardCharsets.ISO_8859_1));
    truncated |= kept < len;
    notifyAll();
  }

  /** Ends the output: nothing more is expected, and waits for more fail at once. */
  @Override
  public synchronized void close() {
    ended = true;
    notifyAll();
  }

  /** Whether the output ended (the stream read to its end, or this sink closed). */
  public synchronized boolean ended() {
    return ended;
  }

  /** Whether bytes past the limit were dropped. */
  public synchronized boolean truncated() {
    return truncated;
  }

  /** The output so far, decoded. */
  public synchronized String text() {
    return oneCharPerByte ? seen.toString() : new String(bytes(0), charset);
  }

  /** How many chars {@link #text()} has. */
  public synchronized int length() {
    return oneCharPerByte ? seen.length() : text().length();
  }

  /** The text from offset {@code from} on (empty when there is none yet). */
  public synchronized String since(int from) {
    String text = text();
    return text.substring(Math.min(from, text.length()));
  }

  /** The bytes from byte offset {@code from} on. */
  public synchronized byte[] bytesFrom(int from) {
    return bytes(Math.min(from, seen.length()));
  }

  /** Where {@code needle} starts at or after offset {@code from}, or -1. */
  public synchronized int indexOf(String needle, int from) {
    return oneCharPerByte ? seen.indexOf(needle, from) : text().indexOf(needle, from);
  }

  /** How many times {@code needle} occurs in the text so far. */
  public synchronized int count(String needle) {
    String text = text();
    int count = 0;
    for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
      count++;
    }
    return count;
  }

  /** As {@link #await(String, int, Duration)} from the start of the output. */
  public int await(String needle, Duration timeout) throws InterruptedException {
    return await(needle, 0, timeout);
  }

  /**
   * Waits until {@code needle} appears at or after offset {@code from}; returns the offset just past
   * it. Fails (AssertionError) after {@code timeout} or when the output ends without it, showing
   * the end of the output.
   */
  public synchronized int await(String needle, int from, Duration timeout) throws InterruptedException {
    if (!appears(needle, from, timeout)) {
      throw new AssertionError((ended ? "output ended" : "not within " + timeout.toMillis() + " ms")
          + " without \"" + Escaped.of(needle) + "\" after offset " + from + "; output ends with: "
          + Escaped.of(tail()));
    }
    return indexOf(needle, from) + needle.length();
  }

  /** Whether {@code needle} appears at or after offset {@code from} within {@code timeout}. */
  public synchronized boolean appears(String needle, int from, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (indexOf(needle, from) < 0) {
      if (ended || !waitUntil(deadline)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Waits until at least {@code count} bytes follow byte offset {@code from}; fails after {@code
   * timeout} or when the output ends before.
   */
  public synchronized void awaitBytes(int from, int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (seen.length() - from < count) {
      if (ended || !waitUntil(deadline)) {
        throw new AssertionError((ended ? "output ended" : "not within " + timeout.toMillis() + " ms")
            + " before " + count + " bytes after offset " + from + ", got " + (seen.length() - from)
            + "; output ends with: " + Escaped.of(tail()));
      }
    }
  }

  /** Waits for the end of the output; returns its text. Fails after {@code timeout}. */
  public synchronized String awaitEnd(Duration timeout) throws InterruptedException {
    if (!endsWithin(timeout)) {
      throw new AssertionError(
          "output did not end within " + timeout.toMillis() + " ms; so far: " + Escaped.of(tail()));
    }
    return text();
  }

  /** Whether the output ends within {@code timeout}. */
  public synchronized boolean endsWithin(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ended) {
      if (!waitUntil(deadline)) {
        return false;
      }
    }
    return true;
  }

  /** Waits for a write or the end; false once the deadline has passed. Holds the lock. */
  private boolean waitUntil(long deadline) throws InterruptedException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      return false;
    }
    wait(Math.max(1, left / 1_000_000));
    return true;
  }

  private byte[] bytes(int from) {
    return seen.substring(from).getBytes(StandardCharsets.ISO_8859_1);
  }

  private String tail() {
    String text = text();
    return text.substring(Math.max(0, text.length() - TAIL_CHARS));
  }
}
