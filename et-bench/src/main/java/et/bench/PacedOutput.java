package et.bench;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * Writes through to {@code out} no faster on average than {@code bytesPerSecond}, counted from the
 * first write: after each write it sleeps until the bytes written so far are due. A writer held up
 * (a blackhole, a reconnect) catches up afterwards, so the total takes about length / rate.
 */
final class PacedOutput extends FilterOutputStream {
  private final long bytesPerSecond;
  private long startNanos = -1;
  private long written;

  PacedOutput(OutputStream out, long bytesPerSecond) {
    super(out);
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("bytesPerSecond must be positive: " + bytesPerSecond);
    }
    this.bytesPerSecond = bytesPerSecond;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    if (startNanos < 0) {
      startNanos = System.nanoTime();
    }
    out.write(bytes, offset, length);
    written += length;
    long dueNanos = startNanos + written * 1_000_000_000L / bytesPerSecond;
    long early = dueNanos - System.nanoTime();
    if (early > 0) {
      try {
        Thread.sleep(early / 1_000_000, (int) (early % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while pacing");
      }
    }
  }
}
