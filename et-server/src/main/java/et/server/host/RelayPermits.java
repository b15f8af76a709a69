package et.server.host;

import et.core.relay.RelayPolicy;
import et.server.session.ForwardPolicy.Permit;
import java.util.List;
import java.util.Optional;

/**
 * server.conf's {@code permit-relay}: where this host relays its user's clients (et -J). By
 * default a relay grant reaches the one host the client named when it asked for the grant, on any
 * port, as ssh from this host could; a list of {@code host:port} / {@code host:*} entries narrows
 * that further; {@code none} turns relaying off (no grant is made).
 *
 * @param permits empty for the default (the grant's host), else the entries a destination must match
 */
public record RelayPermits(Optional<List<Permit>> permits) implements RelayPolicy {
  public static final RelayPermits DEFAULT = new RelayPermits(Optional.empty());
  public static final RelayPermits NONE = new RelayPermits(Optional.of(List.of()));

  public RelayPermits {
    permits = permits.map(List::copyOf);
  }

  /** Whether relaying is on at all. */
  public boolean enabled() {
    return permits.isEmpty() || !permits.get().isEmpty();
  }

  /** Whether some port of {@code host} may be reached, so a grant for it is worth making. */
  public boolean mayReach(String host) {
    return permits.isEmpty() || permits.get().stream().anyMatch(p -> p.hostOrPath().equalsIgnoreCase(host));
  }

  @Override
  public boolean permits(String host, int port) {
    return permits.isEmpty() || permits.get().stream().anyMatch(p -> p.matchesTcp(host, port));
  }
}
