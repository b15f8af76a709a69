package et.core.relay;

import et.core.SessionCredentials;
import et.core.SessionId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The relay grants one host has made, by id, at most {@link #MAX_GRANTS}: the oldest gives way to
 * a new one (a client whose grant went re-bootstraps it, as after a restart). Thread-safe.
 */
public final class RelayGrants {
  static final int MAX_GRANTS = 1024;

  private final Map<SessionId, RelayGrant> grants =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<SessionId, RelayGrant> eldest) {
          return size() > MAX_GRANTS;
        }
      };

  /** Makes a grant with fresh credentials for {@code destinationHost}. */
  public synchronized RelayGrant create(String destinationHost) {
    RelayGrant grant = new RelayGrant(SessionCredentials.generate(), destinationHost);
    grants.put(grant.credentials().id(), grant);
    return grant;
  }

  /** The grant with {@code id}, if this host made it and still keeps it. */
  public synchronized Optional<RelayGrant> find(SessionId id) {
    return Optional.ofNullable(grants.get(id));
  }

  public synchronized int size() {
    return grants.size();
  }
}
