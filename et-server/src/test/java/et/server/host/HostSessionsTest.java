package et.server.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.EternalClient;
import et.core.Session;
import et.core.SessionEnd;
import et.core.SessionState;
import et.testkit.Await;
import et.testkit.FaultRelay;
import et.terminal.BootstrapException;
import et.terminal.BootstrapNonce;
import et.terminal.BootstrapReply;
import et.terminal.BootstrapRequest;
import et.terminal.JumpPath;
import et.terminal.KillRequest;
import et.terminal.ListRequest;
import et.terminal.ListedSession;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session host's answers to LIST, KILL and REQUEST's killothers, over its real unix socket,
 * with a real et.core client for the session that is connected.
 */
class HostSessionsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  @TempDir Path base;

  private static BootstrapRequest request(Optional<String> command, boolean noProgram) {
    return BootstrapRequest.create("xterm", 80, 24, command, false, new LinkedHashMap<>(), noProgram, false);
  }

  private static BootstrapReply answer(HostFixture fixture, String line) throws IOException, BootstrapException {
    return BootstrapReply.parse(fixture.request(line).orElseThrow(() -> new AssertionError("no answer to " + line)));
  }

  private static List<ListedSession> listed(HostFixture fixture) throws IOException, BootstrapException {
    BootstrapReply.Sessions sessions = assertInstanceOf(BootstrapReply.Sessions.class, answer(fixture, ListRequest.create().toLine()));
    assertEquals(sessions.total(), sessions.listed().size());
    return sessions.listed();
  }

  @Test
  void listDescribesEachSessionAndKillEndsTheOneNamed() throws Exception {
    try (HostFixture fixture = HostFixture.start(base)) {
      assertEquals(List.of(), listed(fixture));
      String waiting = fixture.requestSession(request(Optional.of("sleep 600"), false).toLine()).credentials().id().toString();
      JumpPath path = new JumpPath(List.of("jump1", "me@jump2:2222"));
      BootstrapReply.Session tunnelsReply = fixture.requestSession(request(Optional.empty(), true).withVia(path).toLine());
      String tunnels = tunnelsReply.credentials().id().toString();
      Session client = fixture.connect(tunnelsReply);
      Await.until("the host sees the client", TIMEOUT,
          () -> listedNow(fixture).stream().anyMatch(session -> session.client().isPresent()));

      List<ListedSession> both = listed(fixture);
      assertEquals(List.of(waiting, tunnels), both.stream().map(ListedSession::id).toList(), "the earliest started first");
      ListedSession neverConnected = both.get(0);
      assertEquals(ListedSession.Mode.COMMAND, neverConnected.mode());
      assertEquals(Optional.of("sleep 600"), neverConnected.command());
      assertEquals(Optional.empty(), neverConnected.client());
      assertEquals(Optional.empty(), neverConnected.lastContact());
      assertEquals(Optional.empty(), neverConnected.via());
      ListedSession connected = both.get(1);
      assertEquals(ListedSession.Mode.TUNNELS, connected.mode());
      assertEquals(Optional.empty(), connected.command());
      assertTrue(connected.client().orElseThrow().startsWith("127.0.0.1:"), connected.toString());
      assertTrue(connected.lastContact().isPresent());
      assertEquals(Optional.of(path), connected.via(), "the path the request named");

      String unknown = waiting.startsWith("0000") || tunnels.startsWith("0000") ? "ffff" : "0000";
      BootstrapReply.Error refused = assertInstanceOf(BootstrapReply.Error.class, answer(fixture, KillRequest.create(unknown).toLine()));
      assertEquals("no session of yours starts with " + unknown, refused.reason());
      assertEquals(2, listed(fixture).size(), "a refused kill ended nothing");

      BootstrapReply.Killed killed = assertInstanceOf(BootstrapReply.Killed.class,
          answer(fixture, KillRequest.create(tunnels.substring(0, 8).toUpperCase()).toLine()));
      assertEquals(tunnels, killed.id());
      assertTrue(client.awaitEnd(TIMEOUT));
      assertEquals(new SessionEnd(SessionEnd.Cause.CLOSED_BY_PEER, KillRequest.EXIT_STATUS, KillRequest.REASON), client.end());
      assertEquals(List.of(waiting), listed(fixture).stream().map(ListedSession::id).toList());
    }
  }

  /** {@link #listed}, for conditions polled by {@link Await#until}, which take no checked exceptions. */
  private static List<ListedSession> listedNow(HostFixture fixture) {
    try {
      return listed(fixture);
    } catch (IOException | BootstrapException e) {
      throw new AssertionError(e);
    }
  }

  private static Optional<ListedSession> theOnlySession(HostFixture fixture) {
    return listedNow(fixture).stream().findFirst();
  }

  @Test
  void aKillReachesAClientThatIsReconnecting() throws Exception {
    try (HostFixture fixture = HostFixture.start(base)) {
      BootstrapReply.Session reply = fixture.requestSession(request(Optional.empty(), true).toLine());
      try (FaultRelay relay = new FaultRelay(new InetSocketAddress(InetAddress.getLoopbackAddress(), reply.port()))) {
        Session client = EternalClient.connect(relay.address(), reply.credentials(), HostFixture.OPTIONS);
        Await.until("the host sees the client", TIMEOUT, () -> theOnlySession(fixture).orElseThrow().client().isPresent());
        relay.blackhole(true); // the client's next connections are held until it is off
        relay.cutAll();
        Await.until("the host sees the client gone", TIMEOUT, () -> theOnlySession(fixture).orElseThrow().client().isEmpty());
        long waiting = theOnlySession(fixture).orElseThrow().waitingBytes();

        CompletableFuture<BootstrapReply> kill = CompletableFuture.supplyAsync(() -> {
          try {
            return answer(fixture, KillRequest.create(reply.credentials().id().toString()).toLine());
          } catch (IOException | BootstrapException e) {
            throw new AssertionError(e);
          }
        });
        Await.until("the close is sent or the session is gone", TIMEOUT,
            () -> theOnlySession(fixture).map(session -> session.waitingBytes() > waiting).orElse(true));
        relay.blackhole(false);

        assertTrue(client.awaitEnd(TIMEOUT));
        assertEquals(new SessionEnd(SessionEnd.Cause.CLOSED_BY_PEER, KillRequest.EXIT_STATUS, KillRequest.REASON), client.end());
        assertInstanceOf(BootstrapReply.Killed.class, kill.get());
        assertEquals(List.of(), listed(fixture));
      }
    }
  }

  @Test
  void killOthersEndsEveryOtherSessionBeforeMakingTheNewOne() throws Exception {
    try (HostFixture fixture = HostFixture.start(base)) {
      BootstrapReply.Session first = fixture.requestSession(request(Optional.empty(), true).toLine());
      Session firstClient = fixture.connect(first);
      Await.until("the first client connected", TIMEOUT, () -> firstClient.state() == SessionState.CONNECTED);
      fixture.requestSession(request(Optional.of("sleep 600"), false).toLine());

      BootstrapReply.Session fresh = fixture.requestSession(request(Optional.empty(), true).withKillOthers().toLine());

      assertEquals(List.of(fresh.credentials().id().toString()), listed(fixture).stream().map(ListedSession::id).toList());
      assertTrue(firstClient.awaitEnd(TIMEOUT));
      assertEquals(KillRequest.OTHERS_REASON, firstClient.end().reason());
      assertEquals(KillRequest.EXIT_STATUS, firstClient.end().exitStatus());
    }
  }

  @Test
  void aRequestWithABadPathIsRefusedWithItsReasonAndTheHostGoesOn() throws Exception {
    try (HostFixture fixture = HostFixture.start(base)) {
      String good = request(Optional.empty(), true).toLine();
      for (String via : List.of("jump%201", "-oProxyCommand%3Dx", "j%2C".repeat(8) + "j", "h".repeat(256), "a%2C%2Cb")) {
        BootstrapReply.Error error = assertInstanceOf(BootstrapReply.Error.class, answer(fixture, good + " via=" + via));
        assertTrue(error.reason().startsWith("bad request: via "), error.reason());
      }
      fixture.requestSession(good);
      assertEquals(1, listed(fixture).size(), "only the good request made a session");
    }
  }

  @Test
  void aBrokenKillGetsAnErrorWithItsNonce() throws Exception {
    try (HostFixture fixture = HostFixture.start(base)) {
      BootstrapNonce nonce = BootstrapNonce.random();
      BootstrapReply.Error error = assertInstanceOf(BootstrapReply.Error.class, answer(fixture, "ET1 KILL nonce=" + nonce + " id=abc"));
      assertEquals(nonce, error.nonce());
      assertTrue(error.reason().startsWith("bad request: id must be 4..32 hex digits"), error.reason());
    }
  }
}
