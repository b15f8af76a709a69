package et.testkit;

import java.lang.management.ManagementFactory;

/** Heap bytes the calling thread has allocated: tests bound what a parser allocates by subtracting two readings. */
public final class Allocations {
  /**
   * What one parse may allocate beyond its documented cap: class loading and call-site linkage the
   * first time a path runs. Far below the gibibytes a length field can claim.
   */
  public static final long FIRST_USE_SLACK = 1 << 20;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private Allocations() {}

  /** Bytes allocated by the current thread since it started. */
  public static long byThisThread() {
    return THREADS.getCurrentThreadAllocatedBytes();
  }
}
