package et.bench;

import et.core.Session;
import et.core.SessionState;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** Waits, with a deadline, for sessions to reach the connected state. */
final class SessionStates {
  private static final Duration POLL = Duration.ofMillis(20);

  private SessionStates() {}

  /** Returns once every session is CONNECTED; fails when {@code timeout} passes first. */
  static void awaitAllConnected(List<Session> sessions, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long notYet = sessions.stream().filter(s -> s.state() != SessionState.CONNECTED).count();
      if (notYet == 0) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IOException(notYet + " of " + sessions.size() + " sessions not connected after " + timeout);
      }
      Thread.sleep(POLL);
    }
  }
}
