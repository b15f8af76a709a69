package et.client;

import et.client.term.StatusLine;
import et.core.Session;
import et.core.SessionState;
import et.core.UnprovenRefusals;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Shows the status line "et: connection lost, reconnecting… N s" while the session is disconnected,
 * counting the seconds since the loss was first seen, the path through jump hosts if any, with why
 * the latest attempt failed (for jump hosts: which hop), or, while
 * every attempt is refused without proof, the refusal and when et gives up), and clears it once the
 * session is connected again. Polls {@link Session#state()} every {@link #POLL} (the session offers no state callback);
 * the pause is {@link Session#awaitEnd}, so the loop stops as soon as the session ends.
 *
 * <p>{@link #run} runs until the session ends or the screen fails (a task of the session's group).
 */
final class ReconnectIndicator {

  static final Duration POLL = Duration.ofMillis(200);

  private final Session session;
  private final Screen screen;
  /** The path through jump hosts ("jump1 -> target"), empty for a direct connection. */
  private final Optional<String> route;

  private ReconnectIndicator(Session session, Screen screen, Optional<String> route) {
    this.session = Objects.requireNonNull(session, "session");
    this.screen = Objects.requireNonNull(screen, "screen");
    this.route = Objects.requireNonNull(route, "route");
  }

  /** Shows the status line while {@code session} is disconnected, until it ends; {@code route} as on the line. */
  static void run(Session session, Screen screen, Optional<String> route) {
    new ReconnectIndicator(session, screen, route).show();
  }

  private void show() {
    long lostAt = 0;
    boolean lost = false;
    try {
      do {
        SessionState state = session.state();
        if (state == SessionState.DISCONNECTED) {
          if (!lost) {
            lost = true;
            lostAt = System.nanoTime();
          }
          Duration elapsed = Duration.ofNanos(System.nanoTime() - lostAt);
          Optional<UnprovenRefusals> refusals = session.unprovenRefusals();
          Optional<String> failure = session.reconnectFailure();
          screen.status(refusals.isPresent()
              ? StatusLine.refused(elapsed, refusals.get().reason(), Duration.between(Instant.now(), refusals.get().giveUpAt()))
              : route.isPresent()
              ? StatusLine.reconnectingVia(route.get(), elapsed, failure.orElse(""))
              : failure.isPresent()
              ? StatusLine.reconnecting(elapsed, failure.get())
              : StatusLine.reconnecting(elapsed));
        } else if (state == SessionState.CONNECTED && lost) {
          lost = false;
          screen.clearStatus();
        }
      } while (!session.awaitEnd(POLL));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // The local screen is gone: the session's end (or the terminal's) is handled elsewhere.
    }
  }
}
