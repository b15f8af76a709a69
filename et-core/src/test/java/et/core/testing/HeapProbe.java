package et.core.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** Measures the heap that stays in use after garbage collection, for memory-bound assertions. */
public final class HeapProbe {
  private static final int COLLECTIONS = 3;

  private HeapProbe() {}

  /**
   * Used heap in bytes after garbage collection: the least seen over a few requested collections,
   * since other threads keep allocating between a collection and the reading.
   */
  public static long usedAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < COLLECTIONS; i++) {
      memory.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
