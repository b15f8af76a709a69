package et.client.thin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a process is in its terminal's foreground: its process group is the one the terminal
 * reads for and signals (the shell's job in front), from /proc/PID/stat. Only java.base, so the
 * thin client can ask too.
 */
public final class Foreground {
  private Foreground() {}

  /**
   * True when this process's group is its terminal's foreground group; also when it has no
   * controlling terminal (no job control applies) or that cannot be read.
   */
  public static boolean isThisProcess() {
    return inFront(Path.of("/proc/self/stat"));
  }

  /**
   * True when process {@code pid} runs (is not stopped) in its terminal's foreground, as {@link
   * #isThisProcess} tells; also when it has gone or cannot be read (its end shows elsewhere).
   */
  public static boolean runsInFront(int pid) {
    return inFront(Path.of("/proc/" + pid + "/stat"));
  }

  private static boolean inFront(Path stat) {
    try {
      String line = Files.readString(stat);
      // After "pid (command) ": state, ppid, pgrp, session, tty_nr, tpgid (-1: no terminal).
      String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
      boolean stopped = fields[0].equals("T") || fields[0].equals("t");
      return !stopped && (fields[2].equals(fields[5]) || fields[5].equals("-1"));
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }
}
