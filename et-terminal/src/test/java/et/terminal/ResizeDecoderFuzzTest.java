package et.terminal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import et.testkit.TestStreams;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * {@link ResizeDecoder} on any bytes of the RESIZE channel, one byte per read: each event decoded
 * encodes back to the four bytes it came from; a broken stream is an IOException with a message.
 */
class ResizeDecoderFuzzTest {

  @FuzzTest
  void decodesEventsOrRefuses(byte[] channelBytes) {
    ResizeDecoder decoder = new ResizeDecoder(TestStreams.oneByteAtATime(channelBytes));
    int offset = 0;
    try {
      for (Optional<ResizeEvent> event = decoder.next(); event.isPresent(); event = decoder.next()) {
        assertArrayEquals(
            Arrays.copyOfRange(channelBytes, offset, offset + ResizeEvent.BYTES), event.get().encode());
        offset += ResizeEvent.BYTES;
      }
    } catch (IOException refused) {
      assertNotNull(refused.getMessage());
    }
  }
}
