package et.testkit;

import et.testkit.FaultRelay.Direction;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Whether traffic may pass through a {@link FaultRelay}, per direction: a blackhole closes both
 * directions (and new connections wait before being forwarded), a stall closes one. Relay threads
 * wait here; tests flip the switches from any thread.
 */
final class TrafficGate {
  /** Waiters re-check their abandon condition at least this often (a cut does not signal here). */
  private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Set<Direction> stalled = EnumSet.noneOf(Direction.class);
  private boolean blackholed;

  void blackhole(boolean on) {
    lock.lock();
    try {
      blackholed = on;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  void stall(Direction direction, boolean on) {
    lock.lock();
    try {
      if (on) {
        stalled.add(direction);
      } else {
        stalled.remove(direction);
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  boolean blackholed() {
    lock.lock();
    try {
      return blackholed;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until {@code direction} may pass; false if {@code abandoned} became true first (the
   * connection was cut or the relay closed).
   */
  boolean awaitOpen(Direction direction, BooleanSupplier abandoned) throws InterruptedException {
    return await(() -> !blackholed && !stalled.contains(direction), abandoned);
  }

  /** Waits until new connections may be forwarded (no blackhole); false if abandoned first. */
  boolean awaitNoBlackhole(BooleanSupplier abandoned) throws InterruptedException {
    return await(() -> !blackholed, abandoned);
  }

  /** Wakes every waiter so it re-checks its abandon condition. */
  void wakeAll() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private boolean await(BooleanSupplier open, BooleanSupplier abandoned) throws InterruptedException {
    lock.lock();
    try {
      while (!open.getAsBoolean()) {
        if (abandoned.getAsBoolean()) {
          return false;
        }
        changed.awaitNanos(RECHECK_NANOS);
      }
      return !abandoned.getAsBoolean();
    } finally {
      lock.unlock();
    }
  }
}
