package et.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that nobody signals (a line in a log file, a process gone), checking it
 * again after short, growing pauses until a deadline.
 */
public final class Poll {
  private static final long FIRST_PAUSE_NANOS = Duration.ofMillis(1).toNanos();
  private static final long MAX_PAUSE_NANOS = Duration.ofMillis(20).toNanos();

  private Poll() {}

  /**
   * Returns true as soon as {@code condition} holds, false if it still does not at the deadline.
   * Pauses grow from 1 ms to 20 ms, so a condition that is costly to check (a command, a file) is
   * not checked more than 50 times a second.
   */
  public static boolean until(Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    return until(timeout, condition, FIRST_PAUSE_NANOS, MAX_PAUSE_NANOS);
  }

  /**
   * As {@link #until(Duration, BooleanSupplier)}, with pauses from {@code firstPauseNanos}
   * doubling up to {@code maxPauseNanos}.
   */
  static boolean until(
      Duration timeout, BooleanSupplier condition, long firstPauseNanos, long maxPauseNanos)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = firstPauseNanos;
    while (true) {
      if (condition.getAsBoolean()) {
        return true;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      Thread.sleep(Duration.ofNanos(Math.min(pause, left)));
      pause = Math.min(pause * 2, maxPauseNanos);
    }
  }
}
