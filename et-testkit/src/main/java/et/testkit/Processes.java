package et.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Ends process trees by their own handles (never by name): descendants first, while their parents
 * still live to reap them, then the root; SIGTERM first, SIGKILL for whatever outlives the grace.
 * Also signals a process and tells whether it is stopped.
 */
public final class Processes {
  /** What {@link #state} says of a process that is not there. */
  private static final char GONE = '-';

  private Processes() {}

  /**
   * Terminates {@code root} and every process below it, waiting at most {@code grace} for each of
   * the two rounds (descendants, then root) before killing forcibly. Returns true when all are gone.
   */
  public static boolean killTree(ProcessHandle root, Duration grace) throws InterruptedException {
    // Snapshot first: once a parent dies its children are re-parented and leave the tree.
    List<ProcessHandle> below = root.descendants().toList();
    boolean belowGone = terminate(below, grace);
    boolean rootGone = terminate(List.of(root), grace);
    return belowGone && rootGone;
  }

  private static boolean terminate(List<ProcessHandle> processes, Duration grace)
      throws InterruptedException {
    processes.forEach(ProcessHandle::destroy);
    if (Poll.until(grace, () -> processes.stream().allMatch(Processes::isGone))) {
      return true;
    }
    processes.stream().filter(p -> !isGone(p)).forEach(ProcessHandle::destroyForcibly);
    return Poll.until(grace, () -> processes.stream().allMatch(Processes::isGone));
  }

  /**
   * True when the process no longer runs: exited and reaped, or a zombie. An orphan's zombie lasts
   * until init reaps it, which some container inits do late or never; it runs no code any more.
   */
  public static boolean isGone(ProcessHandle process) {
    return !process.isAlive() || isZombie(process.pid());
  }

  /** Sends {@code signal} (a name such as STOP or CONT) to {@code process} with kill(1). */
  public static void signal(ProcessHandle process, String signal) {
    Commands.check(List.of("kill", "-" + signal, Long.toString(process.pid())), Duration.ofSeconds(10));
  }

  /** Stops {@code process} from outside (SIGSTOP) and waits until it is; fails past {@code timeout}. */
  public static void stop(ProcessHandle process, Duration timeout) {
    signal(process, "STOP");
    Await.until("pid " + process.pid() + " stopped", timeout, () -> isStopped(process));
  }

  /** True while the process is stopped (SIGSTOP, SIGTSTP and the like): state T in /proc/PID/stat. */
  public static boolean isStopped(ProcessHandle process) {
    return state(process.pid()) == 'T';
  }

  private static boolean isZombie(long pid) {
    char state = state(pid);
    return state == 'Z' || state == GONE;
  }

  /** The state letter from /proc/PID/stat; {@link #GONE} when there is no such process, '?' when unreadable. */
  private static char state(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // "pid (command) S ...": the command may contain spaces and parentheses, the state follows
      // the last ')'.
      int close = stat.lastIndexOf(')');
      return close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
    } catch (NoSuchFileException e) {
      return GONE;
    } catch (IOException e) {
      return '?';
    }
  }
}
