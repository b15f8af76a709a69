package et.client;

import et.client.term.SavedTermios;
import et.core.Session;
import et.core.SessionOptions;
import et.core.transport.Transport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where a run of et meets its user: this process's own stdin, stdout, stderr, terminal and
 * environment ({@link #ofThisProcess}), or, in the et agent, a terminal and an environment that the
 * user's et handed over ({@link HandedOverTerminal}).
 */
interface LocalSide {

  /** The byte streams, the environment, and whether they are a terminal. */
  LocalStreams streams();

  /** How ssh is started. */
  LocalProcesses processes();

  /** The terminal's exact settings, captured before ssh or raw mode touch them; empty without one. */
  Optional<SavedTermios> captureTermios();

  /** The terminal for the session; empty when there is no usable one (et then runs in pipe mode). */
  Optional<LocalTerminal> openTerminal(Consumer<String> note, Optional<SavedTermios> exact) throws IOException;

  /** Whether the run compiles the keystroke path itself (the agent did once, at its start). */
  boolean warmsUp();

  /**
   * Offers later ets to the same destination sessions through {@code session}'s host, on the share
   * socket {@code socket} ({@link SessionSharing}): this process offers {@code session} itself
   * while it lasts; the agent keeps a session of its own for that ({@link AgentKeepers}), made
   * with {@code transport} and {@code options} as the run's was.
   */
  void offer(Session session, Path socket, Transport transport, SessionOptions options, Consumer<String> note);

  /** This process's own streams and terminal (jline's system terminal). */
  static LocalSide ofThisProcess() {
    return ofThisProcess(LocalStreams.ofThisProcess());
  }

  /** {@code streams} as this process's, for tests: the terminal is jline's system terminal when {@code streams} say terminal. */
  static LocalSide ofThisProcess(LocalStreams streams) {
    return new LocalSide() {
      @Override
      public LocalStreams streams() {
        return streams;
      }

      @Override
      public LocalProcesses processes() {
        return LocalProcesses.OF_THIS_PROCESS;
      }

      @Override
      public Optional<SavedTermios> captureTermios() {
        return SavedTermios.capture(0);
      }

      @Override
      public Optional<LocalTerminal> openTerminal(Consumer<String> note, Optional<SavedTermios> exact) throws IOException {
        return LocalTerminal.open(note, exact);
      }

      @Override
      public boolean warmsUp() {
        return true;
      }

      @Override
      public void offer(Session session, Path socket, Transport transport, SessionOptions options, Consumer<String> note) {
        ShareServer.start(session, socket, note);
      }
    };
  }
}
