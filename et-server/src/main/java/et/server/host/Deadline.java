package et.server.host;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Puts a time limit on blocking I/O that has no timeout of its own (a unix socket channel, stdin):
 * closes the resource when the deadline passes, which makes the blocked call fail. {@link
 * #close()} (in try-with-resources) cancels the timer; {@link #passed()} tells a failure caused by
 * the deadline from another one. One shared daemon timer thread.
 */
public final class Deadline implements AutoCloseable {
  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("et-deadline").daemon(true).factory());

  private final AtomicBoolean passed = new AtomicBoolean();
  private final ScheduledFuture<?> task;

  private Deadline(Closeable resource, Duration limit) {
    this.task =
        TIMER.schedule(
            () -> {
              passed.set(true);
              try {
                resource.close();
              } catch (IOException ignored) {
                // closing is all we can do
              }
            },
            limit.toNanos(),
            TimeUnit.NANOSECONDS);
  }

  /** Closes {@code resource} after {@code limit} unless this deadline is closed first. */
  public static Deadline closeAfter(Closeable resource, Duration limit) {
    return new Deadline(resource, limit);
  }

  /** True once the limit passed and the resource was closed for it. */
  public boolean passed() {
    return passed.get();
  }

  @Override
  public void close() {
    task.cancel(false);
  }
}
