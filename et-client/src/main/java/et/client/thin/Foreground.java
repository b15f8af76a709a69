package et.client.thin;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * Whether a process is in its terminal's foreground: its process group is the one the terminal
 * reads for and signals (the shell's job in front), from /proc/PID/stat. Only java.base, so the
 * thin client can ask too.
 */
public final class Foreground {
  /** More than a stat line takes (its command name is at most 64 bytes). */
  private static final int STAT_BYTES = 1024;

  private Foreground() {}

  /**
   * True when this process's group is its terminal's foreground group; also when it has no
   * controlling terminal (no job control applies) or that cannot be read.
   */
  public static boolean isThisProcess() {
    try {
      byte[] stat = Files.readAllBytes(Path.of("/proc/self/stat"));
      return inFront(stat, stat.length);
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }

  /**
   * Asks again and again whether process {@code pid} runs (is not stopped) in its terminal's
   * foreground, as {@link #isThisProcess} tells: for each key the et agent reads on a thin client's
   * behalf, so its stat file stays open and is read anew with one call.
   *
   * @throws IOException when the process is not there
   */
  public static Watch watch(int pid) throws IOException {
    return new Watch(FileChannel.open(Path.of("/proc/" + pid + "/stat")));
  }

  /** {@link #watch}'s answer: true also once the process has gone (its end shows elsewhere). Thread-safe. */
  public static final class Watch implements BooleanSupplier, Closeable {
    private final FileChannel stat;
    private final ByteBuffer buffer = ByteBuffer.allocate(STAT_BYTES);

    private Watch(FileChannel stat) {
      this.stat = stat;
    }

    @Override
    public synchronized boolean getAsBoolean() {
      try {
        buffer.clear();
        int length = stat.read(buffer, 0); // from the start: the kernel writes the line afresh
        return length <= 0 || inFront(buffer.array(), length);
      } catch (IOException | RuntimeException e) {
        return true;
      }
    }

    @Override
    public void close() throws IOException {
      stat.close();
    }
  }

  /**
   * From a stat line: not stopped, and its process group the terminal's foreground group (or no
   * terminal). Throws an unchecked exception on a line it cannot read.
   */
  static boolean inFront(byte[] stat, int length) {
    int at = length - 1;
    while (stat[at] != ')') { // the command name may hold anything, ')' included: the last one ends it
      at--;
    }
    at += 2;
    // After "pid (command) ": state, ppid, pgrp, session, tty_nr, tpgid (-1: no terminal).
    boolean stopped = stat[at] == 'T' || stat[at] == 't';
    long[] numbers = new long[5];
    for (int field = 0; field < numbers.length; field++) {
      while (stat[at] != ' ') {
        at++;
      }
      at++;
      numbers[field] = number(stat, at);
    }
    long pgrp = numbers[1];
    long tpgid = numbers[4];
    return !stopped && (pgrp == tpgid || tpgid == -1);
  }

  /** The decimal number, perhaps negative, at {@code at}. */
  private static long number(byte[] stat, int at) {
    boolean negative = stat[at] == '-';
    long value = 0;
    for (int i = negative ? at + 1 : at; stat[i] >= '0' && stat[i] <= '9'; i++) {
      value = value * 10 + (stat[i] - '0');
    }
    return negative ? -value : value;
  }
}
