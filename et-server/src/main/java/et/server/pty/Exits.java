package et.server.pty;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting on a child's exit future, and unwrapping failures of work done on another thread. */
final class Exits {
  private Exits() {}

  /** The exit status, or empty if {@code exit} is not done within {@code timeout}. */
  static Optional<Integer> waitFor(CompletableFuture<Integer> exit, Duration timeout)
      throws InterruptedException {
    try {
      return Optional.of(exit.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (ExecutionException e) {
      throw new IllegalStateException("waiting for the child failed", e.getCause());
    }
  }

  /**
   * Whether {@code exit} is done within {@code timeout}, waiting through interrupts: closing must
   * finish. An interrupt received meanwhile is restored before returning.
   */
  static boolean doneWithin(CompletableFuture<?> exit, Duration timeout) {
    boolean interrupted = false;
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        try {
          exit.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          return true;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          return true;
        } catch (TimeoutException e) {
          return false;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The cause of {@code e} rethrown as it was: I/O failures as such, unchecked ones unchanged. */
  static IOException rethrow(ExecutionException e) {
    switch (e.getCause()) {
      case IOException io -> {
        return io;
      }
      case RuntimeException runtime -> throw runtime;
      case Error error -> throw error;
      case Throwable other -> {
        return new IOException(other);
      }
    }
  }
}
