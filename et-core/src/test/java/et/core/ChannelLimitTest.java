package et.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.channel.Multiplexer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import et.core.testing.Loopback;

/**
 * The channel limit (docs/PROTOCOL.md section 7): a side must not have more than
 * {@link Multiplexer#MAX_OPEN_CHANNELS} channels of its own open, and the peer ends the session when
 * it sees one more. An application that asks for one channel too many must therefore be told so
 * locally; it must not cost the whole session.
 */
class ChannelLimitTest {
  @Test
  void oneChannelTooManyIsRefusedLocallyAndTheSessionLives() throws Exception {
    SessionOptions options = SessionOptions.defaults();
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (EternalServer server = Loopback.server(options)) {
      Session serverSide = server.newSession();
      Session client = Loopback.connect(server, serverSide, options);
      Channel first = client.openChannel("0");
      for (int i = 1; i < Multiplexer.MAX_OPEN_CHANNELS; i++) {
        client.openChannel(Integer.toString(i));
      }

      boolean refusedLocally;
      try {
        client.openChannel("one too many");
        refusedLocally = false;
      } catch (IOException expected) {
        refusedLocally = true;
      }

      // Whatever happened to the extra open, the session must still carry bytes.
      Channel accepted = serverSide.acceptChannel(Duration.ofSeconds(5));
      assertNotNull(accepted, "the server saw the first channel");
      first.output().write("still here".getBytes(StandardCharsets.US_ASCII));
      byte[] got;
      try {
        got = accepted.input().readNBytes(10);
      } catch (IOException e) {
        throw new AssertionError(
            "session died: " + e.getMessage() + " (server end: " + serverSide.end() + ")", e);
      }
      assertArrayEquals("still here".getBytes(StandardCharsets.US_ASCII), got);
      assertNull(serverSide.end(), "server session still alive");
      assertTrue(refusedLocally, "the extra channel was refused by the client itself");

      client.close();
    }
  }
}
