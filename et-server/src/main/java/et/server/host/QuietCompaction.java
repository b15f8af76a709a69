package et.server.host;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.tinylog.Logger;

/**
 * Gives a quiet host's heap back: once its sessions have moved no stream frame for {@link #QUIET}
 * (keepalives do not count; no session at all is quiet too), one full collection compacts the heap
 * and G1 shrinks it to the launcher's {@code -XX:MaxHeapFreeRatio}, which its periodic concurrent
 * cycles cannot (they leave the warm-up's and the sessions' regions committed). Then nothing more
 * until something moves again: its pause, which grows with the live heap, comes at most once per
 * quiet spell, when nobody types. docs/BENCHMARKS.md has what it gives back. Not thread-safe: one
 * looking thread.
 */
final class QuietCompaction {
  /** How long nothing moves before the collection. */
  static final Duration QUIET = Duration.ofSeconds(20);
  /** How often the sessions' frame counts are looked at: a quiet host's only wake-up for this. */
  static final Duration LOOK_EVERY = Duration.ofSeconds(5);

  private final Duration quiet;
  private long seen;
  private long quietSince;
  private boolean compacted;

  /** Starts quiet at {@code nanoTime} with {@code activity} seen. */
  QuietCompaction(Duration quiet, long activity, long nanoTime) {
    this.quiet = quiet;
    this.seen = activity;
    this.quietSince = nanoTime;
  }

  /** Whether to compact now, {@code activity} being seen at {@code nanoTime}: once per quiet spell. */
  boolean due(long activity, long nanoTime) {
    if (activity != seen) {
      seen = activity;
      quietSince = nanoTime;
      compacted = false;
      return false;
    }
    if (compacted || nanoTime - quietSince < quiet.toNanos()) {
      return false;
    }
    compacted = true;
    return true;
  }

  /** Looks at {@code activity} (a figure that changes whenever something moves) until the host stops. */
  static void run(LongSupplier activity, IdleTracker idle) throws InterruptedException {
    QuietCompaction compaction = new QuietCompaction(QUIET, activity.getAsLong(), System.nanoTime());
    while (!idle.awaitStop(LOOK_EVERY)) {
      if (compaction.due(activity.getAsLong(), System.nanoTime())) {
        long start = System.nanoTime();
        System.gc();
        long millis = (System.nanoTime() - start) / 1_000_000;
        Logger.debug("nothing moved for {} s: heap compacted in {} ms", QUIET.toSeconds(), millis);
      }
    }
  }
}
