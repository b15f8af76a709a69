package et.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.server.session.ForwardPolicy.Permit;
import et.terminal.forward.Endpoint;
import et.terminal.forward.ForwardRefusedException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The host's forwarding rules: which targets a forward may reach, where a reverse tunnel may listen. */
class ForwardPolicyTest {
  private static final Endpoint DB = new Endpoint.Tcp("db", 5432);

  @Test
  void byDefaultAnyTargetIsAllowedAndListenersOnlyOnLoopback() throws Exception {
    ForwardPolicy policy = ForwardPolicy.defaults();
    assertEquals(DB, policy.resolve(DB));
    assertEquals(new Endpoint.Unix("/run/a.sock"), policy.resolve(new Endpoint.Unix("/run/a.sock")));
    policy.checkListen(new Endpoint.Tcp("127.0.0.1", 8080));
    policy.checkListen(new Endpoint.Tcp("::1", 8080));
    policy.checkListen(new Endpoint.Tcp("localhost", 8080));
    policy.checkListen(new Endpoint.Unix("/tmp/x.sock"));
    ForwardRefusedException all = assertThrows(ForwardRefusedException.class, () -> policy.checkListen(new Endpoint.Tcp("0.0.0.0", 8080)));
    assertTrue(all.getMessage().contains("gateway-ports=no"), all.getMessage());
  }

  @Test
  void gatewayPortsLetsAListenerTakeAnyAddress() throws Exception {
    new ForwardPolicy(Optional.empty(), true).checkListen(new Endpoint.Tcp("0.0.0.0", 8080));
  }

  @Test
  void permitOpenAllowsOnlyWhatItLists() throws Exception {
    ForwardPolicy policy = new ForwardPolicy(
        Optional.of(List.of(Permit.parse("DB:5432"), Permit.parse("localhost:*"), Permit.parse("/run/a.sock"))), false);
    assertEquals(DB, policy.resolve(DB));
    assertEquals(new Endpoint.Tcp("localhost", 1), policy.resolve(new Endpoint.Tcp("localhost", 1)));
    policy.resolve(new Endpoint.Unix("/run/a.sock"));
    for (Endpoint forbidden : List.of(new Endpoint.Tcp("db", 5433), new Endpoint.Tcp("127.0.0.1", 22),
        new Endpoint.Unix("/run/b.sock"), new Endpoint.Tcp("db.example", 5432))) {
      ForwardRefusedException refused = assertThrows(ForwardRefusedException.class, () -> policy.resolve(forbidden), forbidden.toString());
      assertEquals(forbidden + " is not allowed by the host's permit-open", refused.getMessage());
    }
    ForwardPolicy none = new ForwardPolicy(Optional.of(List.of()), false);
    assertThrows(ForwardRefusedException.class, () -> none.resolve(DB));
  }
}
