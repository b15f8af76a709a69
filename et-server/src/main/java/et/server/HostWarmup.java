package et.server;

import et.core.SessionOptions;
import et.core.Warmup;
import et.server.pty.TerminalWarmup;
import java.nio.file.Path;
import java.time.Duration;
import org.tinylog.Logger;

/**
 * What a new session host does while its first client is on the way: echoes through a throwaway
 * session ({@link Warmup}), then types into a throwaway terminal ({@link TerminalWarmup}), so that
 * the JIT has compiled both halves of the keystroke path before the first real key. Both bounded:
 * at most {@value #ROUND_TRIPS} round trips and {@value #KEYS} keys, about 2 s of one core here.
 */
final class HostWarmup {
  private static final int ROUND_TRIPS = 10_000;
  private static final int KEYS = 3_000;
  private static final Duration BUDGET = Duration.ofSeconds(3);

  private HostWarmup() {}

  /** Starts the warm-up on a daemon thread "et warmup". */
  static void startInBackground(SessionOptions options, Path directory) {
    Warmup.startInBackground(options, ROUND_TRIPS, BUDGET,
        () -> Logger.debug("terminal warm-up: {} keys", TerminalWarmup.run(directory, KEYS, BUDGET)));
  }
}
