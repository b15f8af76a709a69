package et.core.relay;

import et.core.SessionCredentials;
import java.util.Objects;

/**
 * What lets one client use a relay: an id and a fresh 32-byte secret (never a session's), made by
 * the relay's host at the client's ssh bootstrap, and the one destination host it was made for.
 * The relay connects only there (on any port, as ssh from that host could), and only where its
 * policy allows.
 *
 * @param credentials the grant's id and secret
 * @param destinationHost the host the client named at the bootstrap, as the relay resolves it
 */
public record RelayGrant(SessionCredentials credentials, String destinationHost) {
  public RelayGrant {
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(destinationHost, "destinationHost");
  }

  /** Whether this grant lets its client reach {@code host}; names compare as written, without a lookup. */
  public boolean covers(String host) {
    return destinationHost.equalsIgnoreCase(host);
  }

  @Override
  public String toString() {
    return "relay grant " + credentials.id().toString().substring(0, 4) + " to " + destinationHost;
  }
}
