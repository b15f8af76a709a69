package et.client.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition nobody signals, checking it after short, growing pauses (1 to 20 ms) until a deadline. */
public final class Await {
  private static final long MAX_PAUSE_NANOS = Duration.ofMillis(20).toNanos();

  private Await() {}

  /** Returns once {@code condition} holds; fails with {@code what} (and its state) at the deadline. */
  public static void until(Duration timeout, BooleanSupplier condition, Supplier<String> what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = Duration.ofMillis(1).toNanos();
    while (!condition.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what.get());
      }
      Thread.sleep(Duration.ofNanos(Math.min(pause, left)));
      pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
    }
  }
}
