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
  /** Asked for a session or a relay since the start (see {@link #stopUnlessAsked}). */
  private boolean asked;

  /** One more thing in progress; false (and nothing counted) once stopped. */
  boolean enter() {
    return admit(1);
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
   * Notes that the host was asked for something a client will come back for (a relay grant),
   * which keeps {@link #stopUnlessAsked} from stopping it; false (nothing noted) once stopped.
   */
  boolean markAsked() {
    return admit(0);
  }

  /** Unless stopped: {@code more} things in progress, and the host counts as asked. */
  private boolean admit(int more) {
    lock.lock();
    try {
      if (stopped) {
        return false;
      }
      busy += more;
      asked = true;
      changed.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops, as {@link #stop} does, unless something has entered or been {@link #markAsked marked}
   * since the start; returns whether it stopped. Atomic with both: a request either came first
   * and keeps the host, or is turned away.
   */
  boolean stopUnlessAsked() {
    lock.lock();
    try {
      if (asked) {
        return false;
      }
      stopped = true;
      changed.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Waits up to {@code timeout} for the stop ({@link #stop}, or an idle exit); whether it came. */
  boolean awaitStop(Duration timeout) throws InterruptedException {
    lock.lock();
    try {
      long left = timeout.toNanos();
      while (!stopped && left > 0) {
        left = changed.awaitNanos(left);
      }
      return stopped;
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
