package et.client.cli;

import et.terminal.KillRequest;
import java.util.Objects;

/** What et asks of the host: a new session (by default), the list of the user's sessions, or an end to one. */
public sealed interface HostAction {

  /** A new session; with {@code killOthers} ({@code -x}) the host first ends the user's other sessions. */
  record NewSession(boolean killOthers) implements HostAction {}

  /** {@code --list}: print the user's sessions on the host. */
  record ListSessions() implements HostAction {}

  /** {@code --kill ID}: end the session whose id starts with {@code idPrefix} (4..32 hex digits). */
  record KillSession(String idPrefix) implements HostAction {
    public KillSession {
      Objects.requireNonNull(idPrefix, "idPrefix");
      KillRequest.create(idPrefix); // the same check the host makes, so a bad ID is a usage error here
    }
  }
}
