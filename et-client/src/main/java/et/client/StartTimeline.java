package et.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tinylog.Logger;

/**
 * When each step of et's start happened, in milliseconds since the process began (the launcher
 * script, which execs the JVM in the same process), logged as one debug line ({@code -vv}) once the
 * session's first output arrived or the start ended otherwise: {@code bench/terminal.sh start}
 * reads it for the breakdown of the time to prompt. Marks cost a clock read and a list add.
 */
final class StartTimeline {
  /** The line's first words, which the benchmark looks for. */
  static final String PREFIX = "start timeline (ms since the process began):";

  private static final long PROCESS_START_MILLIS = System.currentTimeMillis() - processAgeMillis();
  /** USER_HZ, 100 on every Linux architecture et runs on. */
  private static final int TICKS_PER_SECOND = 100;
  private static final List<String> MARKS = new ArrayList<>();
  private static volatile boolean logged; // set under MARKS' lock

  private StartTimeline() {}

  /**
   * How long ago this process began, from Linux's /proc in clock ticks (its start and the time since
   * boot: ProcessHandle's start instant adds the boot time, which /proc gives in whole seconds);
   * 0 where /proc does not say.
   */
  private static long processAgeMillis() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // The fields after the command's closing parenthesis; the start time is the 22nd field of all.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long startTicks = Long.parseLong(fields[19]);
      double uptimeSeconds = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
      return Math.max(0, Math.round(uptimeSeconds * 1000 - startTicks * 1000.0 / TICKS_PER_SECOND));
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Notes that {@code step} happened now (ignored once the line was logged). */
  static void mark(String step) {
    long at = System.currentTimeMillis() - PROCESS_START_MILLIS;
    synchronized (MARKS) {
      if (!logged) {
        MARKS.add(step + " " + at);
      }
    }
  }

  /** Marks {@code step} and logs the line, once. */
  static void end(String step) {
    if (logged) {
      return; // the common case, on the screen's path for every output
    }
    mark(step);
    String line;
    synchronized (MARKS) {
      if (logged) {
        return;
      }
      logged = true;
      line = PREFIX + " " + String.join(", ", MARKS);
    }
    Logger.debug(line);
  }
}
