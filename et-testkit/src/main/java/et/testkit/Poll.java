package et.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that nobody signals (a line in a log file, a process gone), checking it
 * again after short, growing pauses (1 ms up to 20 ms) until a deadline.
 */
public final class Poll {
  private static final long MAX_PAUSE_NANOS = Duration.ofMillis(20).toNanos();

  private Poll() {}

  /** Returns true as soon as {@code condition} holds, false if it still does not at the deadline. */
  public static boolean until(Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = Duration.ofMillis(1).toNanos();
    while (true) {
      if (condition.getAsBoolean()) {
        return true;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      Thread.sleep(Duration.ofNanos(Math.min(pause, left)));
      pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
    }
  }
}
