package et.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import et.core.testing.Loopback;

class SessionSmokeTest {
  @Test
  void echoesOverOneChannelAndClosesWithStatus() throws Exception {
    SessionOptions options = SessionOptions.defaults();
    try (EternalServer server = Loopback.server(options)) {
      Session serverSide = server.newSession();
      Session client = Loopback.connect(server, serverSide, options);
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
