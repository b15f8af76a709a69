package et.bench;

import java.time.Duration;
import java.util.List;

/**
 * The CPU time (user + system, from /proc through {@link ProcessHandle.Info}) of one named group of
 * processes, e.g. the sshd processes serving one session. The processes are fixed when the group is
 * made; one that has ended counts zero from then on, so read groups only around work during which
 * none of them starts or ends. Resolution: the kernel's clock tick.
 */
record ProcessCpu(String name, List<ProcessHandle> processes) {
  ProcessCpu {
    if (processes.isEmpty()) {
      throw new IllegalArgumentException("no processes for " + name);
    }
    processes = List.copyOf(processes);
  }

  /** This benchmark's own JVM. */
  static ProcessCpu ofThisJvm(String name) {
    return new ProcessCpu(name, List.of(ProcessHandle.current()));
  }

  /** CPU nanoseconds the group has spent so far. */
  long cpuNanos() {
    long total = 0;
    for (ProcessHandle process : processes) {
      total += process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }
    return total;
  }

  /** The pids, for the report: {@code 123,456}. */
  String pids() {
    return String.join(",", processes.stream().map(p -> Long.toString(p.pid())).toList());
  }
}
