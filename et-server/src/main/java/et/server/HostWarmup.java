package et.server;

import et.core.SessionOptions;
import et.core.task.TaskGroup;
import et.core.warmup.Warmup;
import et.server.host.HostConfig;
import et.server.pty.TerminalWarmup;
import et.server.session.ProgramsUnderway;
import java.nio.file.Path;
import java.time.Duration;
import org.tinylog.Logger;

/**
 * What a new session host does while its first client is on the way: starts and ends a program in
 * a terminal at once, which loads pty4j and its native part before the first session needs them;
 * then, once the first session's program is underway ({@link ProgramsUnderway}: its output fell
 * quiet, or it ended), echoes through a throwaway session ({@link Warmup}) and types into a
 * throwaway terminal ({@link TerminalWarmup}), so that the JIT has compiled both halves of the
 * keystroke path before the first real keys, without taking the CPU from the program whose start
 * the user waits for. Bounded: at most {@value #ROUND_TRIPS} round trips and {@value #KEYS} keys
 * within {@link #BUDGET}; with the profiles of the AOT cache's training ({@link AotTraining}) that
 * suffices (docs/BENCHMARKS.md).
 */
final class HostWarmup {
  private static final int ROUND_TRIPS = 3_000;
  private static final int KEYS = 1_000;
  private static final Duration BUDGET = Duration.ofSeconds(3);
  /** How long the echoes wait for the first session's program before they start anyway. */
  private static final Duration FIRST_PROGRAM_WAIT = Duration.ofSeconds(5);
  /**
   * The AOT training run's share: enough (in one go, with nothing else starting) that the JIT
   * compiles both halves at its top tier.
   */
  private static final int TRAINING_ROUND_TRIPS = 40_000;
  private static final int TRAINING_KEYS = 20_000;
  private static final Duration TRAINING_BUDGET = Duration.ofSeconds(60);

  private HostWarmup() {}

  /** Forks the warm-up into {@code tasks} (the host's): "warmup pty" now, "warmup" once a program is {@code underway}. */
  static void startInBackground(TaskGroup tasks, SessionOptions options, Path directory, ProgramsUnderway underway) {
    tasks.fork("warmup pty", () -> TerminalWarmup.preload(directory));
    tasks.fork("warmup", TaskGroup.Threads.PLATFORM, () -> {
      underway.await(FIRST_PROGRAM_WAIT); // or no session yet: warm up for the next one
      long start = System.nanoTime();
      int roundTrips = Warmup.run(options, ROUND_TRIPS, BUDGET);
      int keys = TerminalWarmup.run(directory, KEYS, BUDGET);
      Logger.debug("warm-up: {} round trips, {} keys, in {} ms", roundTrips, keys, (System.nanoTime() - start) / 1_000_000);
    });
  }

  /** The same work in the foreground and many times over, for {@link AotTraining}. */
  static void train(Path directory) throws InterruptedException {
    TerminalWarmup.preload(directory);
    Warmup.run(HostConfig.SESSION_OPTIONS, TRAINING_ROUND_TRIPS, TRAINING_BUDGET);
    TerminalWarmup.run(directory, TRAINING_KEYS, TRAINING_BUDGET);
  }
}
