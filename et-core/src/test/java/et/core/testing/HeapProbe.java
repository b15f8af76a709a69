package et.core.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** Measures the heap that stays in use after garbage collection, for memory-bound assertions. */
public final class HeapProbe {
  private static final int COLLECTIONS = 3;

  private HeapProbe() {}

  /** Used heap in bytes after asking for a few full collections. */
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
