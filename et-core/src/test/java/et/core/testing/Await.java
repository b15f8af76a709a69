package et.core.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition by polling it until a deadline; never a blind sleep. Fails with a message
 * naming what was awaited, and the last observed state when one is supplied.
 */
public final class Await {
  private static final Duration POLL = Duration.ofMillis(5);

  private Await() {}

  /** Polls {@code condition} until it holds; AssertionError after {@code timeout}. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    until(what, timeout, condition, () -> "");
  }

  /** As above; {@code state} describes what was seen last, for the failure message. */
  public static void until(
      String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "timed out after " + timeout.toMillis() + " ms waiting for " + what + " " + state.get());
      }
      try {
        Thread.sleep(POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
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
