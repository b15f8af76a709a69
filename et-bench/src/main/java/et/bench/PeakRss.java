package et.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** A process's peak resident memory so far (VmHWM in /proc/PID/status), Linux only. */
final class PeakRss {
  private PeakRss() {}

  /** The group's largest peak in MiB, or -1 when /proc does not say (an ended process, not Linux). */
  static double mebibytes(List<ProcessHandle> processes) {
    double peak = -1;
    for (ProcessHandle process : processes) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
          if (line.startsWith("VmHWM:")) {
            String kib = line.substring("VmHWM:".length()).strip().split("\\s+")[0];
            peak = Math.max(peak, Long.parseLong(kib) / 1024.0);
          }
        }
      } catch (IOException | RuntimeException e) {
        // gone, or not Linux: nothing to add
      }
    }
    return peak;
  }

  /** "name 12.3 MiB, …" for the groups. */
  static String line(List<ProcessCpu> groups) {
    return String.join(", ", groups.stream()
        .map(group -> String.format(Locale.ROOT, "%s %.1f MiB", group.name(), mebibytes(group.processes())))
        .toList());
  }
}
