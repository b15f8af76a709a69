package et.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What a process holds at one moment, from /proc (Linux only): resident memory (VmRSS), kernel
 * threads (carriers, GC and JIT threads; virtual threads are not counted) and open file descriptors.
 */
record ProcessFootprint(long rssKiB, long threads, long fds) {

  /** Reads {@code process}'s footprint now; fails if /proc does not have it (ended, not Linux). */
  static ProcessFootprint of(ProcessHandle process) throws IOException {
    long pid = process.pid();
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return new ProcessFootprint(statusValue(pid, "VmRSS"), statusValue(pid, "Threads"), fds.count());
    }
  }

  double rssMiB() {
    return rssKiB / 1024.0;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "RSS %.1f MiB, %d threads, %d fds", rssMiB(), threads, fds);
  }

  /**
   * The number after {@code field:} in /proc/PID/status (a count, or KiB for the Vm* fields); fails
   * if the process is gone or the field is missing.
   */
  static long statusValue(long pid, String field) throws IOException {
    String prefix = field + ":";
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(prefix)) {
        return Long.parseLong(line.substring(prefix.length()).strip().split("\\s+")[0]);
      }
    }
    throw new IOException("no " + field + " in /proc/" + pid + "/status");
  }
}
