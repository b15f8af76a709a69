package et.client;

import et.client.term.EscapeFilter;
import et.client.term.TerminalOutput;
import et.client.term.TerminalSize;
import et.client.term.WakeableStdin;
import et.client.thin.Foreground;
import et.core.SessionOptions;
import et.core.task.TaskGroup;
import et.core.warmup.Warmup;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tinylog.Logger;

/**
 * What the client does while ssh makes first contact: echoes through a throwaway session ({@link
 * Warmup}), then runs its own per-keystroke code (the keyboard's native read, the escape filter,
 * the screen) on scratch objects, so that the JIT has compiled the whole keystroke path before the first real key: a
 * fresh client JVM otherwise runs it in the interpreter for the first hundreds of keys
 * (docs/BENCHMARKS.md). Bounded: at most {@value #ROUND_TRIPS} round trips in {@link #BUDGET}.
 */
final class ClientWarmup {
  /**
   * With the profiles of the AOT cache's training ({@link AotTraining}) this many get the path to
   * C2, and leave ssh and etterminal most of the CPU meanwhile (docs/BENCHMARKS.md).
   */
  private static final int ROUND_TRIPS = 3_000;
  private static final Duration BUDGET = Duration.ofSeconds(3);
  private static final int LOCAL_KEYS = 20_000;
  /**
   * The AOT training run's share: enough round trips (in one go, with nothing else starting) that
   * the JIT compiles the whole path at its top tier.
   */
  private static final int TRAINING_ROUND_TRIPS = 40_000;
  private static final Duration TRAINING_BUDGET = Duration.ofSeconds(60);
  /** The agent's share: as many as the AOT cache's profiles need to get the path to C2 at once. */
  private static final int AGENT_ROUND_TRIPS = 10_000;

  /**
   * ssh for {@link #firstRequest}: answers {@code -G} with a host name, as ssh does, and any request
   * with {@code ET1 ERROR} for its nonce.
   */
  private static final String STAND_IN_SSH = "/bin/sh -c '"
      + "case \" $* \" in *\" -G \"*) echo \"hostname localhost\"; exit 0;; esac; "
      + "IFS= read -r line; nonce=${line#*nonce=}; echo \"ET1 ERROR nonce=${nonce%% *} reason=warm-up\"' ssh";

  private static final AtomicBoolean terminalWritesWarm = new AtomicBoolean();

  private ClientWarmup() {}

  /** Forks the warm-up into {@code tasks} as "warmup"; {@code screen} is the session's screen. */
  static void startInBackground(TaskGroup tasks, SessionOptions options, OutputStream screen) {
    TerminalOutput terminal = screen instanceof TerminalOutput output ? output : null;
    Warmup.startInBackground(tasks, options, ROUND_TRIPS, BUDGET, () -> typeLocally(LOCAL_KEYS, terminal));
  }

  /** The same work in the foreground, once for all the sessions the et agent will run ({@link AgentMain}). */
  static void forAgent() {
    Main.run(new String[] {"--help"}, new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()),
        RemoteSession.forThisProcess());
    Logger.debug("warm-up request: {}", firstRequest().strip());
    Warmup.run(RemoteSession.TERMINAL_SESSIONS, AGENT_ROUND_TRIPS, TRAINING_BUDGET);
    typeLocally(LOCAL_KEYS, null);
    askForeground(LOCAL_KEYS);
  }

  /**
   * Runs an et command line as far as ssh's answer, against a stand-in ssh ({@link #STAND_IN_SSH})
   * that refuses the request: the options parsed, logging set up, ssh's configuration read and the
   * bootstrap run, whose code a fresh JVM otherwise loads from the jars and interprets while the
   * first et's user waits (docs/BENCHMARKS.md). Returns what et said ("et: ... refused: warm-up").
   */
  static String firstRequest() {
    StringWriter said = new StringWriter();
    Main.run(new String[] {"--ssh", STAND_IN_SSH, "-c", "true", "et-warm-up"}, new PrintWriter(Writer.nullWriter()),
        new PrintWriter(said), RemoteSession.forThisProcess());
    return said.toString();
  }

  /**
   * The terminal's native writes, which the agent's start could not run (it has no terminal): the
   * first time the agent opens a handed-over terminal, {@link #LOCAL_KEYS} writes of no bytes on it
   * in the background, which show nothing.
   */
  static void firstHandedOverTerminal(TerminalOutput terminal) {
    if (terminalWritesWarm.compareAndSet(false, true)) {
      Thread.ofVirtual().name("warmup terminal writes").start(() -> {
        try {
          for (int i = 0; i < LOCAL_KEYS; i++) {
            terminal.offer(new byte[0], 0, 0);
          }
        } catch (IOException e) {
          // that terminal went away: the session's own writes warm up the rest
        }
      });
    }
  }

  /** The same work in the foreground and many times over, for {@link AotTraining}. */
  static void train() {
    Warmup.run(RemoteSession.TERMINAL_SESSIONS, TRAINING_ROUND_TRIPS, TRAINING_BUDGET);
    typeLocally(LOCAL_KEYS, null);
    askForeground(LOCAL_KEYS);
  }

  /**
   * The agent's question before each key it reads for a thin client ({@link Foreground#watch}),
   * asked {@code times} of this process: cold, it would slow the first keys (docs/BENCHMARKS.md).
   */
  private static void askForeground(int times) {
    try (Foreground.Watch self = Foreground.watch((int) ProcessHandle.current().pid())) {
      for (int i = 0; i < times && !Thread.currentThread().isInterrupted(); i++) {
        self.getAsBoolean();
      }
    } catch (IOException e) {
      Logger.debug("no /proc to warm up the foreground check: {}", e.getMessage());
    }
  }

  /**
   * Single keys read through the keyboard's native path from a pipe ({@link WakeableStdin#warmUp}),
   * then through a scratch escape filter onto a screen that discards them; and offered to {@code
   * terminal} (if not null) as writes of no bytes, which show nothing but run its native write.
   */
  static void typeLocally(int keys, TerminalOutput terminal) {
    WakeableStdin.warmUp(keys);
    EscapeFilter filter = new EscapeFilter();
    Screen screen = new Screen(OutputStream.nullOutputStream(), () -> new TerminalSize(80, 24));
    byte[] key = new byte[1];
    try {
      for (int i = 0; i < keys && !Thread.currentThread().isInterrupted(); i++) {
        key[0] = (byte) (i % 40 == 39 ? '\r' : 'a' + i % 26); // line starts too, where ~ escapes
        byte[] output = filter.filter(key, 0, 1).output();
        screen.remote(output, 0, output.length);
        if (terminal != null) {
          terminal.offer(output, 0, 0);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("a null stream failed", e);
    }
  }
}
