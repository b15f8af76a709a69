package et.core.task;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Puts a time limit on blocking I/O that has none of its own, or whose per-call timeouts a peer
 * could reset forever by trickling a byte at a time (a handshake, a unix socket, stdin): closes the
 * resource when the deadline passes, which makes the blocked call fail. {@link #close()} (in
 * try-with-resources) cancels the timer; {@link #passed()} tells a failure caused by the deadline
 * from another one. One shared daemon timer thread for the process.
 */
public final class Deadline implements AutoCloseable {
  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("et-deadline").daemon(true).factory());

  private enum State { ARMED, PASSED, CANCELLED }

  /** ARMED until the timer or a cancel moves it, once: whichever comes first decides. */
  private final AtomicReference<State> state = new AtomicReference<>(State.ARMED);
  private final ScheduledFuture<?> task;

  private Deadline(Closeable resource, Duration limit) {
    this.task =
        TIMER.schedule(
            () -> {
              if (state.compareAndSet(State.ARMED, State.PASSED)) { // before the close: the failed call can tell why
                try {
                  resource.close();
                } catch (IOException ignored) {
                  // closing is all we can do
                }
              }
            },
            limit.toNanos(),
            TimeUnit.NANOSECONDS);
  }

  /** Closes {@code resource} after {@code limit} unless this deadline is cancelled first. */
  public static Deadline closeAfter(Closeable resource, Duration limit) {
    return new Deadline(resource, limit);
  }

  /** True once the limit passed and the resource was closed for it. */
  public boolean passed() {
    return state.get() == State.PASSED;
  }

  /** Cancels the deadline; true if it had not passed, so the resource stays open. Idempotent. */
  public boolean cancel() {
    state.compareAndSet(State.ARMED, State.CANCELLED);
    task.cancel(false);
    return state.get() == State.CANCELLED;
  }

  @Override
  public void close() {
    cancel();
  }
}
