package et.server.host;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts what keeps the session host alive (sessions, requests being answered) and tells when it
 * has had nothing for the idle time. Once it has {@link #stop stopped}, nothing may enter any more:
 * a request that comes too late is turned away instead of being given a session of a host that is
 * exiting. Thread-safe.
 */
final class IdleTracker {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private int busy;
  private long idleSince = System.nanoTime();
  private boolean stopped;
  private boolean entered;

  /** One more thing in progress; false (and nothing counted) once stopped. */
  boolean enter() {
    lock.lock();
    try {
      if (stopped) {
        return false;
      }
      busy++;
      entered = true;
      changed.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** One thing in progress less (after a successful {@link #enter}). */
  void leave() {
    lock.lock();
    try {
      if (--busy == 0) {
        idleSince = System.nanoTime();
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Nothing may enter any more; wakes {@link #awaitIdle}. */
  void stop() {
    lock.lock();
    try {
      stopped = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops, as {@link #stop} does, if nothing has ever entered; returns whether it did. Atomic with
   * {@link #enter}: a request either came first and keeps the host, or is turned away.
   */
  boolean stopUnlessEntered() {
    lock.lock();
    try {
      if (entered) {
        return false;
      }
      stopped = true;
      changed.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until nothing has been in progress for {@code idle}, then stops and returns true; returns
   * false if {@link #stop} was called first.
   */
  boolean awaitIdle(Duration idle) throws InterruptedException {
    lock.lock();
    try {
      while (!stopped) {
        if (busy == 0) {
          long left = idleSince + idle.toNanos() - System.nanoTime();
          if (left <= 0) {
            stopped = true;
            return true;
          }
          changed.awaitNanos(left);
        } else {
          changed.await();
        }
      }
      return false;
    } finally {
      lock.unlock();
    }
  }
}
