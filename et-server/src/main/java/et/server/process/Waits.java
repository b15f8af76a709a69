package et.server.process;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Bounded waits on futures (a child's exit, an output's end), and unwrapping their failures. */
public final class Waits {
  private Waits() {}

  /** The exit status, or empty if {@code exit} is not done within {@code timeout}. */
  public static Optional<Integer> exitStatus(CompletableFuture<Integer> exit, Duration timeout)
      throws InterruptedException {
    try {
      return Optional.of(exit.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (ExecutionException e) {
      throw new IllegalStateException("waiting for the child failed", e.getCause());
    }
  }

  /** Whether {@code future} is done (normally or not) within {@code timeout}. */
  public static boolean doneWithin(CompletableFuture<?> future, Duration timeout) throws InterruptedException {
    try {
      future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (ExecutionException e) {
      return true;
    } catch (TimeoutException e) {
      return false;
    }
  }

  /**
   * As {@link #doneWithin}, but waiting through interrupts: what closes must finish. An interrupt
   * received meanwhile is restored before returning.
   */
  public static boolean doneWithinUninterruptibly(CompletableFuture<?> future, Duration timeout) {
    boolean interrupted = false;
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        try {
          return doneWithin(future, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The cause of {@code e} rethrown as it was: I/O failures as such, unchecked ones unchanged. */
  public static IOException rethrow(ExecutionException e) {
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
