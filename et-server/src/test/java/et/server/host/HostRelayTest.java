package et.server.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.terminal.BootstrapReply;
import et.terminal.RelayRequest;
import java.io.IOException;
import et.server.session.ForwardPolicy.Permit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** server.conf's permit-relay, and the grants a host makes (or refuses) under it. */
class HostRelayTest {

  @Test
  void permitRelayDefaultsToTheGrantsHostAndNarrowsOrTurnsOff() throws IOException {
    RelayPermits defaults = ServerConf.parse("t", List.of()).relaying();
    assertEquals(RelayPermits.DEFAULT, defaults);
    assertTrue(defaults.enabled() && defaults.mayReach("anything") && defaults.permits("anything", 1));
    assertEquals(RelayPermits.DEFAULT, ServerConf.parse("t", List.of("permit-relay=any")).relaying());

    RelayPermits narrow = ServerConf.parse("t", List.of("permit-relay = db:2022 web:*")).relaying();
    assertTrue(narrow.mayReach("DB") && narrow.permits("db", 2022) && narrow.permits("web", 9));
    assertFalse(narrow.permits("db", 2023) || narrow.mayReach("mail"));

    RelayPermits none = ServerConf.parse("t", List.of("permit-relay=none")).relaying();
    assertFalse(none.enabled());
    IOException bad = assertThrows(IOException.class, () -> ServerConf.parse("t", List.of("permit-relay=db")));
    assertTrue(bad.getMessage().startsWith("t line 1: permit-relay: "), bad.getMessage());
  }

  @Test
  void aGrantIsMadeOnlyWherePermitRelayAllows() {
    HostRelay open = new HostRelay(RelayPermits.DEFAULT, new IdleTracker());
    BootstrapReply.Grant grant = assertInstanceOf(BootstrapReply.Grant.class, open.grant(RelayRequest.create("target"), 2022));
    assertEquals(2022, grant.port());

    HostRelay narrow = new HostRelay(new RelayPermits(Optional.of(List.of(Permit.parse("db:*")))), new IdleTracker());
    BootstrapReply.Error refused = assertInstanceOf(BootstrapReply.Error.class, narrow.grant(RelayRequest.create("target"), 2022));
    assertEquals("this host's permit-relay does not allow target", refused.reason());

    HostRelay off = new HostRelay(RelayPermits.NONE, new IdleTracker());
    assertNull(off.relay(), "a host with permit-relay none has no relay on its et port");
    assertInstanceOf(BootstrapReply.Error.class, off.grant(RelayRequest.create("target"), 2022));
  }
}
