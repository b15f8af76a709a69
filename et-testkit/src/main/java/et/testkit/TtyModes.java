package et.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A terminal's settings as {@code stty -a} shows them, read and changed from outside through its device path. */
public final class TtyModes {
  private static final Duration STTY_TIMEOUT = Duration.ofSeconds(10);

  private TtyModes() {}

  /** The terminal device a running process has as its standard input, e.g. /dev/pts/3. */
  public static Path stdinOf(ProcessHandle process) throws IOException {
    return Files.readSymbolicLink(Path.of("/proc", Long.toString(process.pid()), "fd", "0"));
  }

  /** stty's words for {@code tty}'s settings: flags such as {@code -icanon}, and the rest. */
  public static List<String> of(Path tty) {
    return List.of(Commands.check(List.of("stty", "-F", tty.toString(), "-a"), STTY_TIMEOUT).stdout().split("[\\s;]+"));
  }

  /** True when {@code tty} is in raw mode as et sets it: no lines, echo, CR translation or signal keys. */
  public static boolean isRaw(Path tty) {
    return of(tty).containsAll(List.of("-icanon", "-echo", "-icrnl", "-isig"));
  }

  /** Turns {@code tty}'s lines, echo, CR translation and signal keys back on, as a shell does for itself. */
  public static void cook(Path tty) {
    Commands.check(List.of("stty", "-F", tty.toString(), "icanon", "echo", "icrnl", "isig"), STTY_TIMEOUT);
  }

  /**
   * What a job-control shell does to {@code process} on {@code tty} when it is stopped from outside
   * and brought back with fg: SIGSTOP; once stopped, the shell's own normal mode on the terminal;
   * then SIGCONT.
   */
  public static void stopAndContinue(ProcessHandle process, Path tty, Duration timeout) {
    Processes.stop(process, timeout);
    cook(tty);
    Processes.signal(process, "CONT");
  }
}
