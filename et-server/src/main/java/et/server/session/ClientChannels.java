package et.server.session;

import et.core.Channel;
import et.core.Session;
import et.terminal.TerminalChannels;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.tinylog.Logger;

/**
 * The channels the client opened for its session's program (docs/TERMINAL.md), and the mode they
 * choose. The first channel decides: {@code terminal} or {@code resize} means terminal mode (the
 * program runs in a PTY) and the other of the two must follow; {@code stdin}, {@code stdout} or
 * {@code stderr} means pipe mode (no PTY) and the other two must follow. The rest may come in any
 * order; a channel of the other mode or a repeated label ends the setup.
 */
record ClientChannels(Mode mode, Map<String, Channel> byLabel) {

  enum Mode {
    TERMINAL(Set.of(TerminalChannels.TERMINAL, TerminalChannels.RESIZE)),
    PIPES(Set.of(TerminalChannels.STDIN, TerminalChannels.STDOUT, TerminalChannels.STDERR));

    final Set<String> labels;

    Mode(Set<String> labels) {
      this.labels = labels;
    }
  }

  /** Every label of either mode: what {@link Setup#offer} serves. */
  static final Set<String> LABELS = Set.of(
      TerminalChannels.TERMINAL, TerminalChannels.RESIZE, TerminalChannels.STDIN, TerminalChannels.STDOUT, TerminalChannels.STDERR);

  /** The client did not open a valid set of channels in time; the message says what went wrong. */
  static final class SetupException extends Exception {
    SetupException(String message) {
      super(message);
    }
  }

  ClientChannels {
    byLabel = Map.copyOf(byLabel);
  }

  Channel get(String label) {
    return byLabel.get(label);
  }

  /**
   * Collects the channels as they open: {@link #offer} is the {@link ChannelHandler} of {@link
   * #LABELS}; {@link #await} gives the complete set. Once the set is complete (or the setup
   * failed), a further channel of these labels is refused: closed, and the refusal logged.
   */
  static final class Setup {
    private final Session session;
    private final Duration wait;
    private final Map<String, Channel> opened = new HashMap<>(); // guarded by this
    private Mode mode; // guarded by this
    private final CompletableFuture<ClientChannels> done = new CompletableFuture<>();

    /** A setup the client has {@code wait} to complete, from {@link #await}. */
    Setup(Session session, Duration wait) {
      this.session = session;
      this.wait = wait;
    }

    /** Takes {@code channel} into the set, or ends the setup if it does not fit. */
    void offer(Channel channel) throws IOException {
      synchronized (this) {
        if (!done.isDone()) {
          take(channel);
          return;
        }
      }
      Logger.info("{}: refused a late \"{}\" channel: the program's channels are set up", session, channel.label());
      channel.close();
    }

    private void take(Channel channel) {
      String label = channel.label();
      if (mode == null) {
        mode = label.equals(TerminalChannels.TERMINAL) || label.equals(TerminalChannels.RESIZE) ? Mode.TERMINAL : Mode.PIPES;
      }
      if (!mode.labels.contains(label)) {
        done.completeExceptionally(
            new SetupException("channel \"" + label + "\" does not belong to " + mode.name().toLowerCase() + " mode"));
      } else if (opened.putIfAbsent(label, channel) != null) {
        done.completeExceptionally(new SetupException("channel \"" + label + "\" opened twice"));
      } else if (opened.size() == mode.labels.size()) {
        done.complete(new ClientChannels(mode, opened));
      }
    }

    /** The session has ended: an unfinished setup fails. */
    void sessionEnded() {
      synchronized (this) {
        if (!done.isDone()) {
          done.completeExceptionally(failure(session.end() == null ? "ended" : "the session ended (" + session.end().reason() + ")"));
        }
      }
    }

    /**
     * The complete set, once the client has opened it, waiting up to the setup's wait.
     *
     * @throws SetupException when the time is up, the session ended, or a channel did not fit
     */
    ClientChannels await() throws SetupException, InterruptedException {
      try {
        done.get(wait.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        synchronized (this) {
          done.completeExceptionally(failure("timed out"));
        }
      } catch (ExecutionException e) {
        // thrown below
      }
      if (done.state() == Future.State.SUCCESS) {
        return done.resultNow();
      }
      throw (SetupException) done.exceptionNow();
    }

    private SetupException failure(String state) {
      assert Thread.holdsLock(this);
      return new SetupException(
          opened.isEmpty()
              ? "the client opened no channel within " + wait.toSeconds() + " s: " + state
              : "the client opened only " + opened.keySet() + " within " + wait.toSeconds() + " s: " + state);
    }
  }
}
