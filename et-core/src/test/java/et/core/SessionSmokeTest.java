package et.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SessionSmokeTest {
  @Test
  void echoesOverOneChannelAndClosesWithStatus() throws Exception {
    SessionOptions options = SessionOptions.defaults();
    try (EternalServer server =
        EternalServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), options)) {
      Session serverSide = server.newSession();
      Session client =
          EternalClient.connect(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()),
              serverSide.credentials(),
              options);
      Channel out = client.openChannel("echo");
      Channel in = serverSide.acceptChannel(Duration.ofSeconds(5));
      assertNotNull(in);
      assertEquals("echo", in.label());
      out.output().write("hello".getBytes());
      byte[] got = in.input().readNBytes(5);
      assertArrayEquals("hello".getBytes(), got);
      out.shutdownOutput();
      assertEquals(-1, in.input().read());

      serverSide.close(7, "shell exited");
      assertTrue(client.awaitEnd(Duration.ofSeconds(5)));
      assertEquals(SessionEnd.Cause.CLOSED_BY_PEER, client.end().cause());
      assertEquals(7, client.end().exitStatus());
      assertTrue(serverSide.awaitEnd(Duration.ofSeconds(5)));
      assertEquals(SessionEnd.Cause.CLOSED_LOCALLY, serverSide.end().cause());
    }
  }
}
