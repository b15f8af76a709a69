package et.core.relay;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import et.core.wire.Frame;
import et.core.wire.FrameReader;
import et.core.wire.FrameType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;

/**
 * What a relay does with a stranger's bytes: {@link RelayHandshake#hello} and {@link
 * RelayHandshake#request} take a well-formed message or throw an IOException with a reason;
 * nothing else escapes, and a destination they accept is clean text within the cap.
 */
class RelayHandshakeFuzzTest {

  @FuzzTest
  void strangersBytesGiveAMessageOrARefusal(byte[] bytes) {
    FrameReader reader = new FrameReader(Channels.newChannel(new ByteArrayInputStream(bytes)));
    try {
      Frame first = reader.read();
      if (first.type() == FrameType.RELAY_HELLO) { // the server dispatches on the type first
        RelayHandshake.hello(first);
      }
    } catch (IOException refused) {
      assertFalse(String.valueOf(refused.getMessage()).isEmpty());
    }
    FrameReader again = new FrameReader(Channels.newChannel(new ByteArrayInputStream(bytes)));
    try {
      RelayHandshake.Request request = RelayHandshake.request(again);
      assertTrue(request.port() >= 1 && request.port() <= 65535, () -> "port " + request.port());
      assertFalse(request.host().isEmpty() || request.host().chars().anyMatch(Character::isISOControl), request.host());
    } catch (IOException refused) {
      assertFalse(String.valueOf(refused.getMessage()).isEmpty());
    }
  }
}
