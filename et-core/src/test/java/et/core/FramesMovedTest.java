package et.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import et.testkit.Await;
import et.testkit.FaultRelay;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Session#framesMoved}: what a session host takes for quiet stays put while only keepalives flow. */
@Timeout(60)
class FramesMovedTest {
  private static final SessionOptions FAST =
      SessionOptions.defaults()
          .withKeepalive(Duration.ofMillis(50), Duration.ofMillis(300))
          .withHandshakeTimeout(Duration.ofSeconds(1));
  private static final Duration WAIT = Duration.ofSeconds(10);
  /** The client's bytes on the wire that make several keepalives, whatever their size. */
  private static final int SEVERAL_KEEPALIVES_BYTES = 200;

  @Test
  void keepalivesMoveNoFrameAndDataDoes() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (EternalServer server = EternalServer.start(new InetSocketAddress(loopback, 0), FAST);
        FaultRelay relay = new FaultRelay(new InetSocketAddress(loopback, server.port()))) {
      relay.recordClientBytes(true);
      Session serverSide = server.newSession();
      Session client = EternalClient.connect(relay.address(), serverSide.credentials(), FAST);
      Await.until("the server side connected", WAIT, () -> serverSide.state() == SessionState.CONNECTED);
      long clientMoved = client.framesMoved();
      long serverMoved = serverSide.framesMoved();
      int onTheWire = relay.recorded().getFirst().length;

      Await.until("keepalives went on", WAIT, () -> relay.recorded().getFirst().length > onTheWire + SEVERAL_KEEPALIVES_BYTES);
      assertEquals(clientMoved, client.framesMoved(), "the client's count under keepalives alone");
      assertEquals(serverMoved, serverSide.framesMoved(), "the server's count under keepalives alone");

      Channel channel = client.openChannel("data");
      channel.output().write('x');
      channel.output().flush();
      Await.until("the client counts its frames", WAIT, () -> client.framesMoved() > clientMoved);
      Await.until("the server counts what arrived", WAIT, () -> serverSide.framesMoved() > serverMoved);
      client.terminate("done");
      serverSide.terminate("done");
    }
  }
}
