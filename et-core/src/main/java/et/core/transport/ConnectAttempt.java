package et.core.transport;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The resources of one connection attempt, closed together when its deadline passes or it fails.
 * Thread-safe: the dialing thread adds, the deadline's timer closes.
 */
public final class ConnectAttempt implements Closeable {
  private final List<Closeable> resources = new ArrayList<>();
  private boolean closed;

  /** Registers {@code resource} and returns it; closes it at once if the attempt has ended already. */
  public <T extends Closeable> T guard(T resource) throws IOException {
    synchronized (this) {
      if (!closed) {
        resources.add(resource);
        return resource;
      }
    }
    resource.close();
    throw new IOException("the connection attempt has ended");
  }

  /** Closes every registered resource, newest first. Idempotent. */
  @Override
  public void close() {
    List<Closeable> toClose;
    synchronized (this) {
      closed = true;
      toClose = List.copyOf(resources).reversed();
      resources.clear();
    }
    for (Closeable resource : toClose) {
      try {
        resource.close();
      } catch (IOException ignored) {
        // the attempt is over either way
      }
    }
  }
}
