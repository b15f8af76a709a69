package et.core.resume;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.tinylog.Logger;

/**
 * Server side: a one-slot hand-off from the acceptor's handshake threads to the session's
 * reconnect-listen loop. A newer connection replaces one not yet taken (the client gave up on it).
 */
final class ConnectionMailbox implements ConnectionSource {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private Handshake.PendingConnection waiting;
  private boolean closed;

  /** Leaves {@code pending} for the session; false if the session has ended. */
  boolean put(Handshake.PendingConnection pending) {
    Handshake.PendingConnection replaced;
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      replaced = waiting;
      waiting = pending;
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
    if (replaced != null) {
      replaced.close();
    }
    return true;
  }

  @Override
  public Connection next(long received, Instant giveUpAt) throws IOException, InterruptedException {
    while (true) {
      Handshake.PendingConnection pending = take(giveUpAt);
      try {
        return pending.resume(received);
      } catch (IOException e) {
        Logger.info("{}: dropped before it could resume: {}", pending.name(), e.getMessage());
        pending.close();
      }
    }
  }

  private Handshake.PendingConnection take(Instant giveUpAt)
      throws InterruptedException, StreamExpiredException {
    lock.lock();
    try {
      while (waiting == null) {
        if (closed) {
          throw new StreamExpiredException("session ended while waiting for a connection");
        }
        long nanos = Duration.between(Instant.now(), giveUpAt).toNanos();
        if (nanos <= 0) {
          throw new StreamExpiredException("no client reconnected within the disconnect limit");
        }
        arrived.awaitNanos(Math.min(nanos, TimeUnit.SECONDS.toNanos(60)));
      }
      Handshake.PendingConnection pending = waiting;
      waiting = null;
      return pending;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    Handshake.PendingConnection dropped;
    lock.lock();
    try {
      closed = true;
      dropped = waiting;
      waiting = null;
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
    if (dropped != null) {
      dropped.close();
    }
  }
}
