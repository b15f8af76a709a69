package et.bench;

import java.lang.management.ManagementFactory;

/**
 * How long one transfer took on the wall clock, and how much CPU the whole JVM spent meanwhile
 * (both ends, all threads). CPU per byte shows the cost of a transport even when other processes
 * share the machine and stretch the wall clock.
 */
record TransferTime(long wallNanos, long cpuNanos) {
  /** CPU time of this JVM so far, all threads. */
  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** Megabytes (10^6 bytes) per wall-clock second. */
  double megabytesPerSecond(long bytes) {
    return bytes / 1e6 / (wallNanos / 1e9);
  }

  /** CPU seconds, all threads of this JVM, per gigabyte (10^9 bytes). */
  double cpuSecondsPerGigabyte(long bytes) {
    return cpuNanos / 1e9 / (bytes / 1e9);
  }
}
