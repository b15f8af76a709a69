package et.server.session;

import et.core.Channel;
import et.core.Session;
import et.core.SessionEnd;
import et.server.process.Waits;
import et.server.pty.TerminalProcess;
import et.terminal.ResizeDecoder;
import et.terminal.ResizeEvent;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.tinylog.Logger;

/**
 * Terminal mode: joins a program in a PTY to the client's {@code terminal} and {@code resize}
 * channels until the program exits or the session ends.
 *
 * <p>Tasks (one {@link SessionScope}): the program's exit decides; the PTY output pump (its read
 * loop on the PTY's own platform thread) writes to the terminal channel; "keyboard" drains the
 * channel into the PTY (on the PTY's platform thread "pty-type", and keys that find nothing
 * queued straight from the session's socket reader); "resize" applies the client's resize events; "session-end" hangs up
 * the PTY when the session ends first (the client gone past the disconnect limit, or closed).
 *
 * <p>Exit: once the program has exited, the pump drains what it left in the PTY and sees end of
 * file; if something else keeps the terminal open (a background job) past {@link #OUTPUT_GRACE},
 * the PTY is hung up. Only when every output byte is in the channel does {@link #run} return the
 * status, so the session's close comes after the last byte.
 */
final class TerminalBridge {
  static final Duration OUTPUT_GRACE = Duration.ofSeconds(2);

  private TerminalBridge() {}

  static int run(String name, Session session, Channel terminal, Channel resize, TerminalProcess pty)
      throws InterruptedException, SessionScope.TaskFailedException {
    CompletableFuture<Void> outputEnded = new CompletableFuture<>();
    return SessionScope.run(
        name,
        "terminal",
        () -> {
          int status = pty.exited().get();
          if (!Waits.doneWithin(outputEnded, OUTPUT_GRACE)) {
            Logger.info("{}: the terminal stays open {} ms after the program exited: hanging it up", name, OUTPUT_GRACE.toMillis());
            pty.close();
          }
          outputEnded.get(); // ends once the channel took the last byte, or the session ended
          return status;
        },
        List.of(
            new SessionScope.Helper("pty-output", () -> pumpOutput(name, pty, terminal, outputEnded)),
            new SessionScope.Helper("keyboard", () -> typeKeys(name, terminal, pty)),
            new SessionScope.Helper("resize", () -> applyResizes(name, resize.input(), pty)),
            new SessionScope.Helper("session-end", () -> hangUpWhenSessionEnds(name, session, pty::close))));
  }

  private static void pumpOutput(String name, TerminalProcess pty, Channel terminal, CompletableFuture<Void> ended)
      throws InterruptedException {
    try {
      long bytes = pty.pumpOutputTo(terminal.output());
      Logger.debug("{}: terminal output ended after {} bytes", name, bytes);
    } catch (IOException e) {
      // The channel refuses output: the client closed it or the session ended. Like a hang-up.
      Logger.debug("{}: terminal channel refused output ({}): hanging up", name, e.getMessage());
      pty.close();
    } finally {
      ended.complete(null);
    }
  }

  private static void typeKeys(String name, Channel terminal, TerminalProcess pty) throws InterruptedException {
    try {
      long bytes = pty.pumpInputFrom(terminal::drainTo);
      Logger.debug("{}: the client ended its terminal input after {} bytes", name, bytes);
    } catch (IOException e) {
      Logger.debug("{}: keyboard copy ended: {}", name, e.getMessage());
    }
  }

  private static void applyResizes(String name, InputStream events, TerminalProcess pty) {
    ResizeDecoder decoder = new ResizeDecoder(events);
    try {
      for (Optional<ResizeEvent> event; (event = decoder.next()).isPresent(); ) {
        pty.resize(event.get().cols(), event.get().rows());
      }
    } catch (IOException e) {
      Logger.debug("{}: resize events ended: {}", name, e.getMessage());
    }
  }

  /** Waits for the end of {@code session}, then calls {@code hangUp}; returns at cancellation. */
  static void hangUpWhenSessionEnds(String name, Session session, Runnable hangUp) throws InterruptedException {
    SessionEnd end = session.awaitEnd();
    Logger.info("{}: session ended before the program ({}): hanging up", name, end.reason());
    hangUp.run();
  }
}
