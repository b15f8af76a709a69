package et.client.thin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether this process is in its terminal's foreground: its process group is the one the terminal
 * reads for and signals (the shell's job in front), from /proc/self/stat. Only java.base, so the
 * thin client can ask too.
 */
public final class Foreground {
  private Foreground() {}

  /**
   * True when this process's group is its terminal's foreground group; also when it has no
   * controlling terminal (no job control applies) or that cannot be read.
   */
  public static boolean isThisProcess() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // After "pid (command) ": state, ppid, pgrp, session, tty_nr, tpgid (-1: no terminal).
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return fields[2].equals(fields[5]) || fields[5].equals("-1");
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }
}
