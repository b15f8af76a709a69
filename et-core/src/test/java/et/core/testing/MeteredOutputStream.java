package et.core.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Passes writes on and counts the bytes whose write returned; tells whether a write is under way.
 * Together they show a writer blocked by back-pressure: in a write, with a count that stays put.
 */
public final class MeteredOutputStream extends OutputStream {
  private final OutputStream out;
  private final AtomicLong accepted = new AtomicLong();
  private volatile boolean writing;

  public MeteredOutputStream(OutputStream out) {
    this.out = out;
  }

  /** Bytes whose write has returned. */
  public long accepted() {
    return accepted.get();
  }

  /** True while a write is in progress. */
  public boolean writing() {
    return writing;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    writing = true;
    try {
      out.write(b, off, len);
      accepted.addAndGet(len);
    } finally {
      writing = false;
    }
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
