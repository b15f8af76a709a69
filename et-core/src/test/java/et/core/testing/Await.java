package et.core.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition by polling it, and fails the test if it does not hold by a deadline. */
public final class Await {
  private static final long POLL_NANOS = 2_000_000;

  private Await() {}

  /** Returns once {@code condition} holds; AssertionError naming {@code what} after {@code timeout}. */
  public static void until(Duration timeout, String what, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout + " waiting until " + what);
      }
      Thread.sleep(Duration.ofNanos(POLL_NANOS)); // poll interval, not the wait itself
    }
  }
}
