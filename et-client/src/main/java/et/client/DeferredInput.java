package et.client;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;

/**
 * An input stream opened on its first read: standard input's {@link et.client.term.WakeableStdin}
 * sets up native calls, which costs more than et wants to spend before it starts ssh. Closing it
 * before any read opens nothing, and every later read returns -1.
 */
final class DeferredInput extends InputStream {
  private final Supplier<? extends InputStream> opener;
  private InputStream opened; // guarded by this
  private boolean closed; // guarded by this

  DeferredInput(Supplier<? extends InputStream> opener) {
    this.opener = opener;
  }

  /** The stream, opened now if this is the first use; null once closed. */
  private synchronized InputStream stream() {
    if (closed) {
      return null;
    }
    if (opened == null) {
      opened = opener.get();
    }
    return opened;
  }

  @Override
  public int read() throws IOException {
    InputStream in = stream();
    return in == null ? -1 : in.read();
  }

  @Override
  public int read(byte[] bytes, int offset, int length) throws IOException {
    InputStream in = stream();
    return in == null ? -1 : in.read(bytes, offset, length); // outside the lock: close may end it
  }

  @Override
  public void close() throws IOException {
    InputStream in;
    synchronized (this) {
      closed = true;
      in = opened;
    }
    if (in != null) {
      in.close();
    }
  }
}
