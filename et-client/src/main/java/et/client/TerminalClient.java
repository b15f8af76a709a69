package et.client;

import et.client.cli.ExitCodes;
import et.client.term.EscapeFilter;
import et.client.term.RawTerminal;
import et.client.term.TerminalSize;
import et.core.Channel;
import et.core.ChannelSink;
import et.core.Session;
import et.core.task.TaskGroup;
import et.terminal.ResizeEvent;
import et.terminal.TerminalChannels;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A connected session on the local terminal, in raw mode: keys go to the remote terminal through
 * the {@link EscapeFilter}, its output comes to the screen, window changes go out as
 * {@link ResizeEvent}s, and a status line shows while the connection is down (what the user types
 * meanwhile is kept: channel writes queue in et.core's backlog, or block when it is full).
 *
 * <p>The terminal leaves raw mode on every path ({@link LocalTerminal#restore()}): in a {@code
 * finally}, and from the local terminal's shutdown hook when the JVM is ended by a signal
 * (SIGTERM, SIGHUP) while the session runs; the hook first tells the server the session is over,
 * as nobody can come back to it.
 *
 * <p>The caller opens the channels, waits for the first {@link Outcome}, and tidies up. The rest
 * are tasks of the session's group, each ending with the session or when {@link #run} returns:
 * <ul>
 *   <li>"keyboard" (a platform thread: a blocking read of the local terminal, which closing the
 *       keyboard stream ends): keys to the channel;</li>
 *   <li>"screen" (a platform thread): drains the channel to {@link Screen}; output that finds the
 *       screen idle is shown by the session's socket reader itself, without waking it;</li>
 *   <li>"resize": sends the latest size after window changes, which jline reports on its signal
 *       thread (that thread only records the size: a send may block);</li>
 *   <li>"status" ({@link ReconnectIndicator}) and "session-end".</li>
 * </ul>
 */
final class TerminalClient {

  /** How long {@code ~.} waits for the server to acknowledge the close (it may be unreachable). */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
  /** How long the last remote output may take to reach the screen after the session closed. */
  static final Duration DRAIN_WAIT = Duration.ofSeconds(5);
  /** How long restoring the terminal waits for a screen write in progress. */
  static final Duration SCREEN_PATIENCE = Duration.ofMillis(500);

  /** Why {@link #run} stops waiting. */
  private enum Outcome { SESSION_ENDED, USER_DISCONNECT, KEYBOARD_CLOSED }

  private final Session session;
  private final LocalTerminal local;
  private final RawTerminal raw;
  private final InputStream keyboard;
  private final Screen screen;
  private final String host;
  /** The path through jump hosts for the status line ("jump1 -> target"); empty when direct. */
  private final Optional<String> route;
  private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
  private final AtomicBoolean restored = new AtomicBoolean();
  private final AtomicBoolean closeRequested = new AtomicBoolean();
  private final AtomicReference<TerminalSize> latestSize = new AtomicReference<>();
  private final Semaphore resized = new Semaphore(0);
  private volatile boolean stopping;

  /**
   * @param local    the local terminal (not yet raw); its size and window changes are used, it is in
   *                 raw mode for the length of {@link #run}, and restored (closed) when that returns
   * @param keyboard the terminal's input, read as raw bytes
   * @param screen   the terminal's output, written as raw bytes
   */
  TerminalClient(Session session, LocalTerminal local, InputStream keyboard, OutputStream screen, String host,
      Optional<String> route) {
    this.session = Objects.requireNonNull(session, "session");
    this.local = Objects.requireNonNull(local, "local");
    this.raw = local.raw();
    this.keyboard = Objects.requireNonNull(keyboard, "keyboard");
    this.screen = new Screen(screen, raw::size);
    this.host = Objects.requireNonNull(host, "host");
    this.route = Objects.requireNonNull(route, "route");
  }

  /**
   * Runs the session until it ends or the user leaves; the terminal is restored and the session's
   * tasks told to end when this returns.
   */
  Ending run() throws IOException, InterruptedException {
    local.onShutdown(this::onShutdown);
    try {
      raw.enterRaw();
      Channel resize = session.openChannel(TerminalChannels.RESIZE);
      send(resize, known(raw.size())); // the first event, before the terminal channel
      Channel terminal = session.openChannel(TerminalChannels.TERMINAL);
      raw.onResize(size -> {
        latestSize.set(size);
        resized.release();
      });
      // A session that ended already (its group takes no task) still shows what it left.
      TaskGroup tasks = session.tasks();
      CompletableFuture<Void> screenDone = new CompletableFuture<>();
      if (!tasks.tryFork("screen", TaskGroup.Threads.PLATFORM, () -> showRemote(terminal, screenDone))) {
        showRemote(terminal, screenDone);
      }
      tasks.tryFork("resize", () -> sendResizes(resize));
      tasks.tryFork("keyboard", TaskGroup.Threads.PLATFORM, () -> readKeys(terminal));
      tasks.tryFork("status", () -> ReconnectIndicator.run(session, screen, route));
      if (!tasks.tryFork("session-end", this::awaitSessionEnd)) {
        outcome.complete(Outcome.SESSION_ENDED);
      }
      return finish(awaitOutcome(), screenDone);
    } finally {
      stopping = true;
      resized.release();
      keyboard.close();
      restore();
      local.onShutdown(null);
    }
  }

  private Outcome awaitOutcome() throws InterruptedException {
    try {
      return outcome.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("outcome failed", e.getCause());
    }
  }

  private Ending finish(Outcome why, CompletableFuture<Void> screenDone) throws IOException, InterruptedException {
    return switch (why) {
      case SESSION_ENDED -> {
        // The channel drains to its end after an orderly close: show the last output first.
        try {
          screenDone.get(DRAIN_WAIT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
          // the screen is stuck (flow control) or gone: the end is reported regardless
        }
        yield Ending.of(session.end(), host);
      }
      case USER_DISCONNECT -> {
        closeSession("closed by the user (~.)");
        yield Ending.local("session to " + host + " closed.");
      }
      case KEYBOARD_CLOSED -> {
        closeSession("the client's terminal closed");
        yield Ending.local("the local terminal closed; session to " + host + " closed.");
      }
    };
  }

  /** Tells the server the session is over and waits a little for its acknowledgement. */
  private void closeSession(String reason) throws IOException, InterruptedException {
    if (closeRequested.compareAndSet(false, true) && session.end() == null) {
      session.close(ExitCodes.DISCONNECTED, reason);
      session.awaitEnd(CLOSE_WAIT);
    }
  }

  private void readKeys(Channel terminal) {
    EscapeFilter filter = new EscapeFilter();
    byte[] buffer = new byte[4096];
    OutputStream remote = terminal.output();
    try {
      for (int n; (n = keyboard.read(buffer)) >= 0; ) {
        EscapeFilter.Result result = filter.filter(buffer, 0, n);
        byte[] keys = result.output();
        if (keys.length > 0) {
          remote.write(keys);
        }
        for (EscapeFilter.Action action : result.actions()) {
          switch (action) {
            case HELP -> screen.local(("\r\n" + EscapeFilter.HELP).getBytes(StandardCharsets.UTF_8));
            case SUSPEND -> suspend();
            case DISCONNECT -> {
              outcome.complete(Outcome.USER_DISCONNECT);
              return;
            }
          }
        }
      }
      outcome.complete(Outcome.KEYBOARD_CLOSED);
    } catch (IOException e) {
      // A channel write failed: the session ended, which its own watcher reports. A failed read of
      // the local terminal: it is gone.
      if (session.end() == null) {
        outcome.complete(Outcome.KEYBOARD_CLOSED);
      }
    }
  }

  /**
   * {@code ~^Z}: the shell gets the terminal until fg; the session goes on meanwhile (its output
   * waits, its connection may be replaced), and the keys read next are read in raw mode again.
   */
  private void suspend() throws IOException {
    screen.local("~^Z [suspend et]\r\n".getBytes(StandardCharsets.US_ASCII));
    try (Screen.Hold held = screen.hold()) {
      raw.suspend();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the session is ending: the key loop's next read says so
    }
  }

  /** Shows the terminal channel's bytes until its end, then completes {@code done}. */
  private void showRemote(Channel terminal, CompletableFuture<Void> done) {
    try {
      terminal.drainTo(new ChannelSink() {
        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
          screen.remote(bytes, offset, length);
          StartTimeline.end("first output");
        }

        @Override
        public int offer(byte[] bytes, int offset, int length) throws IOException {
          int shown = screen.offer(bytes, offset, length);
          StartTimeline.end("first output");
          return shown;
        }
      });
    } catch (IOException e) {
      // The session ended abnormally (its watcher reports it) or the local screen is gone.
    } finally {
      done.complete(null);
    }
  }

  private void sendResizes(Channel resize) {
    TerminalSize sent = null;
    try {
      while (true) {
        resized.acquire();
        resized.drainPermits(); // several changes in a row: only the latest size matters
        if (stopping) {
          return;
        }
        TerminalSize size = latestSize.get();
        if (size.columns() > 0 && size.rows() > 0 && !size.equals(sent)) {
          send(resize, size);
          sent = size;
        }
      }
    } catch (InterruptedException | IOException e) {
      // The session ended: no more resizes.
    }
  }

  private static void send(Channel resize, TerminalSize size) throws IOException {
    resize.output().write(new ResizeEvent(
        Math.min(size.columns(), ResizeEvent.MAX), Math.min(size.rows(), ResizeEvent.MAX)).encode());
  }

  private static TerminalSize known(TerminalSize size) {
    return size.columns() > 0 && size.rows() > 0 ? size : Bootstrap.FALLBACK_SIZE;
  }

  private void awaitSessionEnd() throws InterruptedException {
    session.awaitEnd();
    outcome.complete(Outcome.SESSION_ENDED);
  }

  /** Stops screen writes and restores the terminal once, whoever comes first (the caller's finally or the hook). */
  private void restore() {
    if (!restored.compareAndSet(false, true)) {
      return;
    }
    try {
      screen.close(SCREEN_PATIENCE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      local.restore();
    } catch (IOException | RuntimeException e) {
      // The terminal is gone (SIGHUP, a closed window): nothing left to restore.
    }
  }

  /** The JVM is ending while the session runs (a signal): restore the terminal, end the session. */
  private void onShutdown() {
    restore();
    try {
      closeSession("the client was terminated");
    } catch (IOException | InterruptedException | RuntimeException e) {
      // best effort: the server ends the session after its disconnect limit anyway
    }
  }
}
