package et.server.pty;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * An unbuffered output stream that performs every write of its target on one dedicated platform
 * thread, in chunks of at most {@link #CHUNK} bytes.
 *
 * <p>Why: pty4j writes to the PTY with a blocking native call (JNA), which pins the carrier of a
 * virtual thread for as long as the PTY's input buffer is full, that is for as long as the program
 * in the terminal does not read. A few such writers would pin every carrier and stall all virtual
 * threads, including the ones that would drain the terminal. Here the caller (virtual or not) parks
 * on a future instead, which frees its carrier, and only the platform thread sits in native code.
 *
 * <p>Writes run one at a time, each whole, in the order they were submitted. Once {@link #close()
 * closed}, no further chunk is written and every write, including those waiting for theirs to
 * finish, throws; bytes are never silently dropped after close, which pty4j's own stream would do
 * (it ignores the result of {@code write(2)}). The platform thread is a daemon, started on first
 * write, and ends after close once the chunk in progress (if any) is written.
 *
 * <p>Interrupting a caller that waits for its write throws {@link InterruptedIOException}; the
 * native write itself cannot be interrupted and may still complete.
 */
final class PlatformThreadOutputStream extends OutputStream {
  /** Bytes per native write: after close, at most this much is still written. */
  static final int CHUNK = 4096;

  private final OutputStream target;
  private final ExecutorService writer;
  /** Writes whose callers wait: close() fails them, whatever the native write is doing. */
  private final Set<CompletableFuture<Void>> waiting = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  PlatformThreadOutputStream(OutputStream target, String threadName) {
    this.target = target;
    this.writer =
        Executors.newSingleThreadExecutor(Thread.ofPlatform().name(threadName).daemon(true).factory());
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    ensureOpen();
    if (length == 0) {
      return;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    waiting.add(done);
    try {
      // No copy: the caller waits until done, and once close() releases it early the writer
      // starts no further chunk (the terminal is going away; the chunk in progress hardly matters).
      writer.execute(() -> writeChunks(bytes, offset, length, done));
      done.get();
    } catch (RejectedExecutionException e) {
      throw new IOException("stream closed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while the write was in progress");
    } catch (ExecutionException e) {
      throw Exits.rethrow(e);
    } finally {
      waiting.remove(done);
    }
  }

  private void writeChunks(byte[] bytes, int offset, int length, CompletableFuture<Void> done) {
    try {
      for (int at = offset, end = offset + length; at < end; at += CHUNK) {
        ensureOpen(); // closed meanwhile: the target may be closed too
        target.write(bytes, at, Math.min(CHUNK, end - at));
      }
      done.complete(null);
    } catch (Throwable e) {
      done.completeExceptionally(e);
    }
  }

  /** Nothing to flush: every write returns once its bytes are in the target. */
  @Override
  public void flush() throws IOException {
    ensureOpen();
  }

  /**
   * Refuses further writes, fails those whose callers wait, and lets the writer thread end after
   * the chunk in progress. Does not close the target: its owner does.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    writer.shutdown();
    waiting.forEach(write -> write.completeExceptionally(new IOException("stream closed")));
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
  }
}
