package et.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.Await;
import et.testkit.FaultRelay;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the server side of a session tells about its client (the facts {@code et --list} shows),
 * and ending a session whose client is away: through a relay that goes silent.
 */
@Timeout(60)
class SessionObservationTest {
  private static final SessionOptions FAST =
      SessionOptions.defaults()
          .withKeepalive(Duration.ofMillis(100), Duration.ofMillis(300))
          .withHandshakeTimeout(Duration.ofSeconds(1));
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void contactAndAddressWhileConnectedThenTheMomentItWasLost() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (EternalServer server = EternalServer.start(new InetSocketAddress(loopback, 0), FAST);
        FaultRelay relay = new FaultRelay(new InetSocketAddress(loopback, server.port()))) {
      Session serverSide = server.newSession();
      assertEquals(Optional.empty(), serverSide.lastContact(), "no client yet");
      assertEquals(Optional.empty(), serverSide.peerAddress(), "no client yet");

      Instant beforeConnect = Instant.now();
      Session client = EternalClient.connect(relay.address(), serverSide.credentials(), FAST);
      Await.until("the server side connected", WAIT, () -> serverSide.state() == SessionState.CONNECTED);
      InetSocketAddress peer = serverSide.peerAddress().orElseThrow();
      assertEquals(loopback, peer.getAddress(), "the relay's side of the connection");
      assertFalse(serverSide.lastContact().orElseThrow().isBefore(beforeConnect));
      assertEquals(Optional.empty(), client.peerAddress(), "the client side has no peer address");

      Instant beforeLoss = Instant.now();
      relay.blackhole(true);
      Await.until("the server side noticed the silence", WAIT, () -> serverSide.state() == SessionState.DISCONNECTED);
      Instant lost = serverSide.lastContact().orElseThrow();
      assertFalse(lost.isBefore(beforeLoss), lost + " is before the relay went silent at " + beforeLoss);
      assertEquals(Optional.empty(), serverSide.peerAddress(), "disconnected");
      assertEquals(Optional.of(lost), serverSide.lastContact(), "the moment it was lost stays");

      // Nobody can acknowledge the close: terminate ends the session at once, with its reason.
      serverSide.close(129, "ended by a test");
      assertFalse(serverSide.awaitEnd(Duration.ofMillis(200)), "ended without the client's acknowledgement");
      serverSide.terminate("ended by a test, the client away");
      assertTrue(serverSide.awaitEnd(Duration.ZERO), "ended when terminate returned");
      assertEquals(SessionEnd.Cause.CLOSED_LOCALLY, serverSide.end().cause());
      assertEquals("ended by a test, the client away", serverSide.end().reason());
      client.terminate("done");
    }
  }
}
