package et.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import et.core.testing.Loopback;

/**
 * After an orderly close, a reader drains what was sent before the close and then sees EOF, as
 * {@link Channel} promises ("returns -1 once ... the session closed in order").
 */
class ReadAfterOrderlyEndTest {
  @Test
  void bytesSentBeforeTheCloseAreReadAfterTheEnd() throws Exception {
    SessionOptions options = SessionOptions.defaults();
    try (EternalServer server = Loopback.server(options)) {
      Session serverSide = server.newSession();
      Session client = Loopback.connect(server, serverSide, options);
      Channel clientEnd = client.openChannel("tail");
      Channel serverEnd = serverSide.acceptChannel(Duration.ofSeconds(5));
      assertNotNull(serverEnd);

      byte[] last = "last words".getBytes(StandardCharsets.UTF_8);
      serverEnd.output().write(last);
      serverSide.close(7, "shell exited");
      assertTrue(client.awaitEnd(Duration.ofSeconds(5)));
      assertEquals(SessionEnd.Cause.CLOSED_BY_PEER, client.end().cause());

      assertArrayEquals(last, clientEnd.input().readNBytes(last.length));
      assertEquals(-1, clientEnd.input().read());
    }
  }
}
