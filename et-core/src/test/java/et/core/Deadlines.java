package et.core;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waiting in tests without fixed sleeps: poll a condition until it holds or a deadline passes, then
 * fail with a message saying what did not happen. Polls back off from 50 µs to 5 ms so a quick
 * condition is seen quickly and a slow one does not burn a core.
 */
public final class Deadlines {
  private Deadlines() {}

  /** Waits until {@code condition} holds; fails the test after {@code timeout}. */
  public static void awaitTrue(BooleanSupplier condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pauseNanos = 50_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("not within " + timeout.toMillis() + " ms: " + what);
      }
      LockSupport.parkNanos(pauseNanos);
      pauseNanos = Math.min(pauseNanos * 2, 5_000_000);
    }
  }

  /** Waits until {@code thread} is blocked (parked or waiting), the sign it cannot make progress. */
  public static void awaitBlocked(Thread thread, Duration timeout) {
    awaitTrue(
        () -> switch (thread.getState()) {
          case WAITING, TIMED_WAITING, BLOCKED -> true;
          default -> false;
        },
        timeout,
        thread.getName() + " blocks (state " + thread.getState() + ")");
  }

  /** Seed for randomized tests: {@code -Det.seed=N} repeats a run, otherwise a fresh one. */
  public static long seed(String testName) {
    Long given = Long.getLong("et.seed");
    long seed = given != null ? given : System.nanoTime();
    System.err.println(testName + ": seed " + seed + " (repeat with -Det.seed=" + seed + ")");
    return seed;
  }
}
