package et.core.resume;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a resource when its deadline passes: the whole-handshake deadline, which per-read socket
 * timeouts cannot give (a peer trickling one byte a second would reset them forever).
 */
public final class Watchdog {
  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("et-watchdog").factory());

  private Watchdog() {}

  /** Closes {@code resource} after {@code delay} unless the returned future is cancelled first. */
  public static ScheduledFuture<?> closeAfter(Closeable resource, Duration delay) {
    return TIMER.schedule(
        () -> {
          try {
            resource.close();
          } catch (IOException ignored) {
            // the deadline passed; whatever the close says, the resource is gone
          }
        },
        delay.toNanos(),
        TimeUnit.NANOSECONDS);
  }
}
