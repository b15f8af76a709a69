package et.client;

import et.client.term.JlineRawTerminal;
import et.client.term.RawTerminal;
import et.client.term.SavedTermios;
import et.client.thin.Foreground;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jline.terminal.Terminal;
import org.jline.terminal.Terminal.Signal;
import org.jline.terminal.TerminalBuilder;

/**
 * The local terminal for a whole run of et: raw mode, size and window changes through a {@link
 * RawTerminal}, and the terminal's exact settings from before et touched it ({@link SavedTermios}),
 * which {@link #restore()} puts back on every way out: called by the session's code, by {@link
 * #close()}, and by {@link #hangUp()}, which first runs the action a running session set ({@link
 * #onShutdown}).
 *
 * <p>Two kinds. This process's own terminal ({@link #open}): jline's system terminal, and one JVM
 * shutdown hook that hangs up (SIGTERM, SIGHUP, and SIGINT or SIGQUIT, which exit through {@link
 * System#exit}: Ctrl-C during the bootstrap). A terminal handed to the et agent ({@link
 * #handedOver}): the agent hangs up when the user's et passes on such a signal or goes away.
 *
 * <p>Why the exact settings: jline's own restores (leaving raw mode, and closing, which its own
 * shutdown hook also does) drop the line speed. {@link #restore()} therefore leaves raw mode, then
 * closes the jline terminal (which takes jline's shutdown task out, or waits until it ran: both
 * hold jline's ShutdownHooks lock), and only then writes the saved bytes, so they have the last word.
 *
 * <p>Thread-safe: {@link #restore()} runs once, whoever calls it first.
 */
final class LocalTerminal implements AutoCloseable {

  private final RawTerminal raw;
  private final Optional<Terminal> jline;
  private final Optional<SavedTermios> exact;
  private final Optional<Thread> hook;
  private final AtomicReference<Runnable> shutdownAction = new AtomicReference<>();
  private boolean restored; // guarded by this

  private LocalTerminal(RawTerminal raw, Optional<Terminal> jline, Optional<SavedTermios> exact) {
    this.raw = raw;
    this.jline = jline;
    this.exact = exact;
    this.hook = jline.map(terminal -> new Thread(this::hangUp, "et restore terminal"));
    hook.ifPresent(Runtime.getRuntime()::addShutdownHook);
  }

  /**
   * The terminal on this process's stdin and stdout (jline FFM, else stty), or empty when jline can
   * only offer a dumb one (et then runs in pipe mode). {@code exact}: the terminal's settings
   * captured before anything touched it (jline, or ssh asking for a password).
   */
  static Optional<LocalTerminal> open(Consumer<String> note, Optional<SavedTermios> exact) throws IOException {
    // jline loads every provider it is not told to leave out: its JNI one would unpack a native
    // library into /tmp at each start, which et's fast exit (ProcessExit) leaves behind.
    Terminal terminal = TerminalBuilder.builder().system(true).providers("ffm,exec").jni(false).build();
    if (terminal.getType() == null || terminal.getType().startsWith(Terminal.TYPE_DUMB)) {
      note.accept("no usable terminal (" + terminal.getType() + "): running without one");
      terminal.close();
      exact.ifPresent(SavedTermios::restore);
      return Optional.empty();
    }
    // While its terminal is open jline sets SIGINT and SIGQUIT to the system default: death without
    // shutdown hooks, so nothing would restore the terminal (Ctrl-C during the bootstrap, kill -INT
    // later). Through System.exit the hooks run, as for SIGTERM and SIGHUP.
    terminal.handle(Signal.INT, signal -> System.exit(128 + 2));
    terminal.handle(Signal.QUIT, signal -> System.exit(128 + 3));
    return Optional.of(new LocalTerminal(new JlineRawTerminal(terminal, Foreground::isThisProcess, exact), Optional.of(terminal), exact));
  }

  /** A terminal the et agent runs a session on; its owner closes the device after {@link #close()}. */
  static LocalTerminal handedOver(RawTerminal raw, Optional<SavedTermios> exact) {
    return new LocalTerminal(raw, Optional.empty(), exact);
  }

  /** The terminal, for raw mode, its size and window changes. */
  RawTerminal raw() {
    return raw;
  }

  /** Leaves raw mode, closes jline's terminal and puts the exact settings back; once. */
  synchronized void restore() throws IOException {
    if (restored) {
      return;
    }
    restored = true;
    try {
      raw.close();
    } finally {
      try {
        if (jline.isPresent()) {
          jline.get().close();
        }
      } catch (IllegalStateException shuttingDown) {
        // jline cannot unregister its hook during shutdown; its task is out of the list already
      } finally {
        exact.ifPresent(SavedTermios::restore);
      }
    }
  }

  /**
   * What {@link #hangUp()} runs before it restores the terminal, while a session runs (it ends the
   * session: nobody can come back to it); null takes it away.
   */
  void onShutdown(Runnable action) {
    shutdownAction.set(action);
  }

  /** The user's et is going away (a signal, a closed terminal): ends a running session and restores the terminal. */
  void hangUp() {
    Runnable action = shutdownAction.get();
    if (action != null) {
      action.run();
    }
    try {
      restore();
    } catch (IOException | RuntimeException e) {
      // The terminal may be gone (SIGHUP): nothing left to restore.
    }
  }

  @Override
  public void close() throws IOException {
    restore();
    try {
      hook.ifPresent(Runtime.getRuntime()::removeShutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs or ran: it restored nothing twice
    }
  }
}
