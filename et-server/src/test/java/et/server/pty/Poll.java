package et.server.pty;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Polls a condition that nothing signals (process tables, thread states) until a deadline. */
final class Poll {
  private Poll() {}

  /** Waits until {@code condition} holds, backing off from 50 µs to 5 ms; fails after {@code timeout}. */
  static void until(BooleanSupplier condition, Duration timeout, String what) {
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
}
