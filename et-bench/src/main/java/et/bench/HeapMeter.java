package et.bench;

/**
 * Live heap after garbage collection. One System.gc() may leave garbage that a finalizer-like
 * cleanup (Cleaner, reference processing) frees only in the next, and background threads keep
 * allocating, so it collects until two readings agree within {@link #TOLERANCE_BYTES} or 1 %.
 */
final class HeapMeter {
  private static final int MIN_COLLECTIONS = 3;
  private static final int MAX_COLLECTIONS = 12;
  private static final long TOLERANCE_BYTES = 256 * 1024;

  private HeapMeter() {}

  /** Used heap in bytes after collections have settled (the smaller of the last two readings). */
  static long usedAfterGc() throws InterruptedException {
    long previous = -1;
    for (int i = 1; i <= MAX_COLLECTIONS; i++) {
      System.gc();
      Thread.sleep(50); // lets reference processing and Cleaner threads run before the reading
      long used = used();
      if (i >= MIN_COLLECTIONS
          && Math.abs(used - previous) <= Math.max(TOLERANCE_BYTES, previous / 100)) {
        return Math.min(used, previous);
      }
      previous = used;
    }
    return previous;
  }

  private static long used() {
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
