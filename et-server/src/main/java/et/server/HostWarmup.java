package et.server;

import et.core.SessionOptions;
import et.core.task.TaskGroup;
import et.core.warmup.Warmup;
import et.server.host.HostConfig;
import et.server.pty.TerminalWarmup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import org.tinylog.Logger;

/**
 * What a new session host does while its first client is on the way: starts and ends a program in
 * a terminal ({@link TerminalWarmup#preload}: pty4j and JNA loaded before the first session needs
 * them), echoes through a throwaway session ({@link Warmup}), then types into a throwaway terminal
 * ({@link TerminalWarmup}), so that the JIT has compiled both halves of the keystroke path before
 * the first real key. Both bounded: at most {@value #ROUND_TRIPS} round trips and {@value #KEYS}
 * keys within {@link #BUDGET}; with the profiles of the AOT cache's training ({@link AotTraining})
 * that suffices (docs/BENCHMARKS.md), and leaves the first session's start more of the CPU.
 */
final class HostWarmup {
  private static final int ROUND_TRIPS = 3_000;
  private static final int KEYS = 1_000;
  private static final Duration BUDGET = Duration.ofSeconds(3);
  /**
   * The AOT training run's share: enough (in one go, with nothing else starting) that the JIT
   * compiles both halves at its top tier.
   */
  private static final int TRAINING_ROUND_TRIPS = 40_000;
  private static final int TRAINING_KEYS = 20_000;
  private static final Duration TRAINING_BUDGET = Duration.ofSeconds(60);

  private HostWarmup() {}

  /**
   * Forks the warm-up into {@code tasks} (the host's): the preload first ("warmup pty"), then the
   * echoes and keys ("warmup"), which would otherwise take CPU from the preload that the first
   * session's shell waits for (docs/BENCHMARKS.md).
   */
  static void startInBackground(TaskGroup tasks, SessionOptions options, Path directory) {
    tasks.fork("warmup pty", () -> {
      TerminalWarmup.preload(directory);
      try {
        Warmup.startInBackground(tasks, options, ROUND_TRIPS, BUDGET,
            () -> Logger.debug("terminal warm-up: {} keys", TerminalWarmup.run(directory, KEYS, BUDGET)));
      } catch (RejectedExecutionException closing) {
        Logger.debug("no warm-up: the host is closing");
      }
    });
  }

  /** The same work in the foreground and many times over, for {@link AotTraining}. */
  static void train(Path directory) throws InterruptedException {
    TerminalWarmup.preload(directory);
    Warmup.run(HostConfig.SESSION_OPTIONS, TRAINING_ROUND_TRIPS, TRAINING_BUDGET);
    TerminalWarmup.run(directory, TRAINING_KEYS, TRAINING_BUDGET);
  }
}
