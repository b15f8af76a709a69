package et.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Moves a fixed number of bytes one way through a connected pair of blocking streams, with one
 * writer thread and one reader thread (platform threads, 64 KiB buffers), and times it from the
 * first write to the reader seeing end-of-stream after the last byte (the writer is joined after:
 * its shutdown is not on the clock). Both transports under test
 * go through this same code, so only the transport differs.
 */
final class OneWayTransfer {
  static final int BUFFER_BYTES = 64 * 1024;
  /** A transfer slower than 1 MB/s means something is stuck, not slow. */
  private static final long MIN_BYTES_PER_SECOND = 1_000_000;

  /** Closes the writing side so the reader sees end-of-stream. */
  interface Shutdown {
    void run() throws IOException;
  }

  private OneWayTransfer() {}

  /** Writes {@code bytes} to {@code out}, calls {@code shutdown}, reads them all from {@code in}. */
  static TransferTime time(OutputStream out, Shutdown shutdown, InputStream in, long bytes)
      throws IOException, InterruptedException {
    byte[] chunk = new byte[BUFFER_BYTES];
    new SplittableRandom(42).nextBytes(chunk); // incompressible, not that anything compresses
    long cpuStart = TransferTime.processCpuNanos();
    long start = System.nanoTime();
    CompletableFuture<Long> reader = start("bench-reader", () -> readToEnd(in));
    CompletableFuture<Long> writer = start("bench-writer", () -> write(out, shutdown, chunk, bytes));
    long deadlineSeconds = 30 + bytes / MIN_BYTES_PER_SECOND;
    long read = await(reader, deadlineSeconds);
    await(writer, 30);
    if (read != bytes) {
      throw new IOException("read " + read + " bytes, expected " + bytes);
    }
    long wall = System.nanoTime() - start;
    return new TransferTime(wall, TransferTime.processCpuNanos() - cpuStart);
  }

  private static long write(OutputStream out, Shutdown shutdown, byte[] chunk, long bytes)
      throws IOException {
    long left = bytes;
    while (left > 0) {
      int n = (int) Math.min(left, chunk.length);
      out.write(chunk, 0, n);
      left -= n;
    }
    out.flush();
    shutdown.run();
    return bytes;
  }

  private static long readToEnd(InputStream in) throws IOException {
    byte[] buffer = new byte[BUFFER_BYTES];
    long total = 0;
    for (int n; (n = in.read(buffer)) >= 0; ) {
      total += n;
    }
    return total;
  }

  private interface Task {
    long run() throws IOException;
  }

  private static CompletableFuture<Long> start(String name, Task task) {
    CompletableFuture<Long> result = new CompletableFuture<>();
    Thread.ofPlatform()
        .name(name)
        .daemon()
        .start(
            () -> {
              try {
                result.complete(task.run());
              } catch (Throwable t) {
                result.completeExceptionally(t);
              }
            });
    return result;
  }

  private static long await(CompletableFuture<Long> future, long seconds)
      throws IOException, InterruptedException {
    try {
      return future.get(seconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IOException("transfer failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("transfer did not finish within " + seconds + " s");
    }
  }
}
