package et.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import et.core.testing.Loopback;
import et.testkit.Await;

/** How sessions end: expiry on either side, refusal of an ended session, orderly close. */
@Timeout(60)
class SessionLifecycleTest {
  private static final SessionOptions FAST =
      SessionOptions.defaults()
          .withKeepalive(Duration.ofMillis(100), Duration.ofMillis(300))
          .withHandshakeTimeout(Duration.ofSeconds(1))
          .withDisconnectLimit(Duration.ofSeconds(1));

  private static Session connect(EternalServer server, Session serverSide) throws IOException {
    return Loopback.connect(server, serverSide, FAST);
  }

  @Test
  void serverSessionExpiresWhenItsClientVanishes() throws Exception {
    try (EternalServer server = Loopback.server(FAST)) {
      Session serverSide = server.newSession();
      Session client = connect(server, serverSide);
      awaitState(serverSide, SessionState.CONNECTED);

      client.terminate("vanished without a word");

      assertTrue(serverSide.awaitEnd(Duration.ofSeconds(10)));
      assertEquals(SessionEnd.Cause.EXPIRED, serverSide.end().cause());
      assertEquals(0, server.sessionCount());
    }
  }

  @Test
  void clientSessionExpiresWhenTheServerIsGone() throws Exception {
    EternalServer server = Loopback.server(FAST);
    Session serverSide = server.newSession();
    Session client = connect(server, serverSide);
    awaitState(client, SessionState.CONNECTED);

    server.close();

    assertTrue(client.awaitEnd(Duration.ofSeconds(10)));
    assertEquals(SessionEnd.Cause.EXPIRED, client.end().cause());
    assertTrue(client.connections() >= 1);
  }

  @Test
  void aReconnectingClientTellsWhyItsAttemptsFail() throws Exception {
    SessionOptions patient = FAST.withDisconnectLimit(Duration.ofMinutes(1));
    EternalServer server = Loopback.server(patient);
    Session client = Loopback.connect(server, server.newSession(), patient);
    awaitState(client, SessionState.CONNECTED);
    assertTrue(client.reconnectFailure().isEmpty(), "nothing failed yet");

    server.close(); // its port now refuses connections

    // An attempt that raced the close into the listener's backlog may fail with a reset first.
    Await.until("a reconnect refused", Duration.ofSeconds(10),
        () -> client.reconnectFailure().equals(Optional.of("Connection refused")),
        () -> "the latest failure: " + client.reconnectFailure());
    client.close();
  }

  @Test
  void clientStopsRetryingWhenTheServerSaysTheSessionEnded() throws Exception {
    try (EternalServer server = Loopback.server(FAST)) {
      Session serverSide = server.newSession();
      Session client = connect(server, serverSide);
      awaitState(client, SessionState.CONNECTED);

      serverSide.terminate("ended abruptly, without SESSION_CLOSE");

      assertTrue(client.awaitEnd(Duration.ofSeconds(10)));
      assertEquals(SessionEnd.Cause.REFUSED, client.end().cause());
      assertTrue(client.end().reason().contains("ended"), client.end().reason());
      // A fresh client for the same session is refused at once, with the reason.
      SessionRefusedException refused =
          assertThrows(SessionRefusedException.class, () -> connect(server, serverSide));
      assertTrue(refused.getMessage().contains("ended"), refused.getMessage());
    }
  }

  @Test
  void aSecondClientWithTheSameCredentialsIsRefusedAndTheFirstCarriesOn() throws Exception {
    try (EternalServer server = Loopback.server(FAST)) {
      Session serverSide = server.newSession();
      Session first = connect(server, serverSide);
      Channel fromFirst = first.openChannel("first");
      Channel atServer = serverSide.acceptChannel(Duration.ofSeconds(5));
      assertNotNull(atServer);

      // Its frames would be sealed under the same stream key from sequence 0: nonce reuse.
      SessionRefusedException refused =
          assertThrows(SessionRefusedException.class, () -> connect(server, serverSide));
      assertTrue(refused.getMessage().contains("another client"), refused.getMessage());

      fromFirst.output().write(new byte[] {1, 2, 3});
      assertEquals(3, atServer.input().readNBytes(3).length);
      assertEquals(1, first.connections());
      assertEquals(SessionState.CONNECTED, first.state());
      first.close();
    }
  }

  @Test
  void orderlyCloseCarriesTheExitStatusAfterEveryByte() throws Exception {
    try (EternalServer server = Loopback.server(FAST)) {
      Session serverSide = server.newSession();
      Session client = connect(server, serverSide);
      Channel fromClient = client.openChannel("bytes");
      Channel atServer = serverSide.acceptChannel(Duration.ofSeconds(5));
      assertNotNull(atServer);
      byte[] last = new byte[100_000];
      atServer.output().write(last);
      serverSide.close(42, "shell exited");

      assertEquals(last.length, fromClient.input().readAllBytes().length);
      assertTrue(client.awaitEnd(Duration.ofSeconds(10)));
      assertEquals(new SessionEnd(SessionEnd.Cause.CLOSED_BY_PEER, 42, "shell exited"), client.end());
      assertTrue(serverSide.awaitEnd(Duration.ofSeconds(10)));
      assertEquals(SessionEnd.Cause.CLOSED_LOCALLY, serverSide.end().cause());
      assertEquals(SessionState.ENDED, client.state());
    }
  }

  @Test
  void keepalivesMeasureRoundTrip() throws Exception {
    try (EternalServer server = Loopback.server(FAST)) {
      Session serverSide = server.newSession();
      Session client = connect(server, serverSide);
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (client.roundTrip() == null && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertNotNull(client.roundTrip(), "no keepalive round trip measured within 5 s");
      assertTrue(client.roundTrip().compareTo(Duration.ofSeconds(1)) < 0, client.roundTrip().toString());
      client.close();
    }
  }

  private static void awaitState(Session session, SessionState wanted) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (session.state() != wanted && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(wanted, session.state());
  }
}
