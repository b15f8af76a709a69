package et.server.host;

import et.core.relay.Relay;
import et.core.relay.RelayGrant;
import et.core.relay.RelayGrants;
import et.terminal.BootstrapReply;
import et.terminal.RelayRequest;
import org.tinylog.Logger;

/**
 * This host as a jump host (et -J): makes relay grants for the user's clients ({@code ET1 RELAY})
 * under server.conf's {@code permit-relay}, and the {@link Relay} the et port hands their
 * connections to. An open relayed path keeps the host from exiting idle. It holds grants only:
 * nothing here can reach a session.
 */
final class HostRelay {
  private final RelayGrants grants = new RelayGrants();
  private final RelayPermits permits;
  private final Relay relay;

  HostRelay(RelayPermits permits, IdleTracker idle) {
    this.permits = permits;
    this.relay = new Relay(grants, permits, new Relay.Busy() {
      @Override
      public boolean enter() {
        return idle.enter();
      }

      @Override
      public void leave() {
        idle.leave();
      }
    });
  }

  /** The relay for the et port; null when server.conf turned relaying off. */
  Relay relay() {
    return permits.enabled() ? relay : null;
  }

  /** Answers a grant request: a fresh grant for {@code request.to()}, or why not. */
  BootstrapReply grant(RelayRequest request, int port) {
    if (!permits.enabled()) {
      Logger.info("refused a relay grant to {}: server.conf has permit-relay none", request.to());
      return new BootstrapReply.Error(request.nonce(), "this host does not relay (server.conf: permit-relay none)");
    }
    if (!permits.mayReach(request.to())) {
      Logger.info("refused a relay grant to {}: not in server.conf's permit-relay", request.to());
      return new BootstrapReply.Error(request.nonce(), "this host's permit-relay does not allow " + request.to());
    }
    RelayGrant grant = grants.create(request.to());
    Logger.info("made {}", grant);
    return new BootstrapReply.Grant(request.nonce(), grant.credentials(), port);
  }
}
