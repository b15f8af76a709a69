package et.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import et.testkit.Allocations;
import et.testkit.TestStreams;
import java.io.EOFException;
import java.nio.channels.Channels;
import java.util.Arrays;

/**
 * {@link FrameReader} and {@link FrameHeader#decode} on arbitrary peer bytes, delivered one byte
 * per read: every frame read is within its type's cap and re-encodes to the bytes it came from; any
 * other input ends in a ProtocolException or an EOFException, never in another throwable; no read
 * allocates more than the largest frame, whatever its header claims.
 */
class FrameReaderFuzzTest {
  private static final int LARGEST_FRAME =
      FrameHeader.BYTES + Arrays.stream(FrameType.values()).mapToInt(type -> type.maxBody).max().orElseThrow();

  @FuzzTest(maxDuration = "3s")
  void readsFramesWithinTheirCapsOrRefuses(byte[] peerBytes) throws Exception {
    FrameReader reader =
        new FrameReader(Channels.newChannel(TestStreams.oneByteAtATime(peerBytes)));
    int consumed = 0;
    try {
      while (true) {
        Frame frame = readWithinTheCap(reader);
        FrameHeader header = frame.header();
        assertTrue(header.length() <= header.type().maxBody, () -> "over the cap: " + header);
        assertEquals(FrameHeader.BYTES + header.length(), frame.size());
        assertArrayEquals(
            Arrays.copyOfRange(peerBytes, consumed, consumed + frame.size()), frame.wire());
        assertEquals(header, FrameHeader.decode(header.encode()));
        consumed += frame.size();
      }
    } catch (ProtocolException | EOFException expected) {
      // the peer's bytes ran out or broke the protocol: both end only this connection
    }
  }

  private static Frame readWithinTheCap(FrameReader reader) throws Exception {
    long before = Allocations.byThisThread();
    try {
      return reader.read();
    } finally {
      long allocated = Allocations.byThisThread() - before;
      assertTrue(allocated <= LARGEST_FRAME + Allocations.FIRST_USE_SLACK, () -> allocated + " bytes allocated by one read");
    }
  }
}
