package et.server.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.EternalServer;
import et.core.SessionOptions;
import et.server.session.AcceptedEnvironment;
import et.server.session.ForwardPolicy;
import et.server.session.ForwardPolicy.Permit;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session host's small parts: configuration and port choice. */
class HostPartsTest {
  @TempDir Path dir;

  @Test
  void serverConfReadsPortAndBindAndRefusesWhatItDoesNotKnow() throws IOException {
    assertEquals(ServerConf.defaults(), ServerConf.read(dir.resolve("missing.conf")));
    ServerConf conf = ServerConf.parse("t", List.of("# comment", "", " port = 2100 ", "bind=127.0.0.1"));
    assertEquals(2100, conf.port());
    assertEquals(Optional.of(InetAddress.getByName("127.0.0.1")), conf.bind());
    assertEquals(InetAddress.getByName("::1"), ServerConf.parse("t", List.of("bind=::1")).bind().orElseThrow());

    for (String bad : List.of("port=0", "port=65536", "port=22x", "bind=example.com", "bind=1.2.3.4.5", "prot=2022", "port")) {
      IOException refused = assertThrows(IOException.class, () -> ServerConf.parse("t", List.of("# x", bad)), bad);
      assertTrue(refused.getMessage().startsWith("t line 2: "), refused.getMessage());
    }
  }
  @Test
  void serverConfReadsTheForwardingRulesAndRefusesBadOnes() throws IOException {
    ForwardPolicy defaults = ServerConf.parse("t", List.of()).forwarding();
    assertEquals(ForwardPolicy.defaults(), defaults);
    ForwardPolicy narrow = ServerConf.parse("t", List.of("permit-open = db:5432  localhost:*  [::1]:80 /run/x.sock", "gateway-ports=yes")).forwarding();
    assertTrue(narrow.gatewayPorts());
    assertEquals(List.of(new Permit("db", 5432), new Permit("localhost", Permit.ANY_PORT), new Permit("::1", 80),
        new Permit("/run/x.sock", Permit.ANY_PORT)), narrow.permitOpen().orElseThrow());
    assertEquals(Optional.of(List.of()), ServerConf.parse("t", List.of("permit-open=none")).forwarding().permitOpen());
    assertEquals(Optional.empty(), ServerConf.parse("t", List.of("permit-open=none", "permit-open=any")).forwarding().permitOpen());

    for (String bad : List.of("permit-open=db", "permit-open=db:http", "permit-open=db:70000", "permit-open=a b:1",
        "permit-open=relative/path", "gateway-ports=maybe", "gateway-ports=")) {
      IOException refused = assertThrows(IOException.class, () -> ServerConf.parse("t", List.of(bad)), bad);
      assertTrue(refused.getMessage().startsWith("t line 1: "), refused.getMessage());
    }
  }

  @Test
  void serverConfReadsAcceptEnvAndRefusesWhatMayNotBeAccepted() throws IOException {
    assertEquals(AcceptedEnvironment.defaults(), ServerConf.parse("t", List.of()).acceptEnv());
    AcceptedEnvironment accepted = ServerConf.parse("t", List.of("accept-env = EDITOR  GIT_*")).acceptEnv();
    assertEquals(List.of("EDITOR", "GIT_*"), accepted.added());
    IOException refused = assertThrows(IOException.class, () -> ServerConf.parse("t", List.of("accept-env=LD_LIBRARY_PATH")));
    assertEquals("t line 1: accept-env: LD_LIBRARY_PATH may not be accepted: LD_* is set by the session host or "
        + "changes what code runs", refused.getMessage());
  }

  @Test
  void aTakenPortMakesTheHostListenOnTheNextFreeOneUpward() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket taken = new ServerSocket(0, 1, loopback)) {
      int port = taken.getLocalPort();
      try (EternalServer server = TcpListen.start(Optional.of(loopback), port, 100, SessionOptions.defaults(), null, null)) {
        assertTrue(server.port() > port && server.port() < port + 100, "listens on " + server.port() + " after " + port);
      }
      IOException none = assertThrows(IOException.class, () -> TcpListen.start(Optional.of(loopback), port, 1, SessionOptions.defaults(), null, null));
      assertTrue(none.getMessage().startsWith("no free TCP port in " + port + ".." + port), none.getMessage());
    }
  }}
