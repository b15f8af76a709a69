package et.bench;

import java.io.IOException;
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
        peak = Math.max(peak, ProcessFootprint.statusValue(process.pid(), "VmHWM") / 1024.0);
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
