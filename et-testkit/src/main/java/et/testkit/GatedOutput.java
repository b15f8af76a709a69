package et.testkit;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * An output stream that holds its writer before each of a list of byte offsets (gates) until the
 * test opens that gate: a transfer that pauses at known points, so that the test can act (cut the
 * network) while the writer is known to wait there, then release it into the fault.
 *
 * <p>Invariant: {@code written ≤ gates[passed]} while gate {@code passed} is closed. Threads: one
 * writer; any thread opens gates and asks where the writer waits.
 */
public final class GatedOutput extends FilterOutputStream {
  private final long[] gates; // ascending offsets
  private final CountDownLatch[] opened;
  private volatile long written;
  /** Gates the writer has passed; it waits at {@code gates[passed]} when it has written that much. */
  private volatile int passed;

  /** Holds writes to {@code out} before each of {@code gates} (ascending byte offsets, all positive). */
  public GatedOutput(OutputStream out, long... gates) {
    super(out);
    for (int i = 0; i < gates.length; i++) {
      if (gates[i] <= 0 || (i > 0 && gates[i] <= gates[i - 1])) {
        throw new IllegalArgumentException("gates must be positive and ascending: " + Arrays.toString(gates));
      }
    }
    this.gates = gates.clone();
    this.opened = new CountDownLatch[gates.length];
    Arrays.setAll(opened, i -> new CountDownLatch(1));
  }

  /** Bytes passed on so far. */
  public long written() {
    return written;
  }

  /** Waits until the writer has written everything before gate {@code gate} and waits there. */
  public void awaitHeldAt(int gate, Duration timeout) {
    Await.until("the writer to reach gate " + gate + " at " + gates[gate], timeout,
        () -> passed == gate && written == gates[gate], () -> "(" + written + " bytes written)");
  }

  /** Lets the writer pass gate {@code gate}. */
  public void open(int gate) {
    opened[gate].countDown();
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (passed < gates.length && written == gates[passed]) {
        try {
          opened[passed].await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted at gate " + passed);
        }
        passed++;
      }
      int n = passed < gates.length ? (int) Math.min(len, gates[passed] - written) : len;
      out.write(b, off, n);
      written += n;
      off += n;
      len -= n;
    }
  }
}
