package et.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits in a test for a condition by polling it until a deadline, never a blind sleep, and fails
 * the test (AssertionError) with a message naming what was awaited, and the last observed state
 * when one is supplied. Checks follow pauses growing from 50 µs to 5 ms: what tests wait on is
 * cheap to check (counters, thread states), and a fine pace also sees a state that holds briefly.
 */
public final class Await {
  private static final long FIRST_PAUSE_NANOS = 50_000;
  private static final long MAX_PAUSE_NANOS = Duration.ofMillis(5).toNanos();

  private Await() {}

  /** Polls {@code condition} until it holds; AssertionError after {@code timeout}. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    until(what, timeout, condition, () -> "");
  }

  /** As above; {@code state} describes what was seen last, for the failure message. */
  public static void until(
      String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
    boolean held;
    try {
      held = Poll.until(timeout, condition, FIRST_PAUSE_NANOS, MAX_PAUSE_NANOS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + what, e);
    }
    if (!held) {
      String seen = state.get();
      throw new AssertionError(
          "timed out after " + timeout.toMillis() + " ms waiting for " + what + (seen.isEmpty() ? "" : " " + seen));
    }
  }

  /** Waits until {@code thread} is parked or blocked, the sign it cannot make progress. */
  public static void untilBlocked(Thread thread, Duration timeout) {
    until(
        thread.getName() + " to block",
        timeout,
        () -> switch (thread.getState()) {
          case WAITING, TIMED_WAITING, BLOCKED -> true;
          default -> false;
        },
        () -> "(state " + thread.getState() + ")");
  }
}
