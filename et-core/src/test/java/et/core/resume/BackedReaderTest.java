package et.core.resume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.TestKeys;
import et.core.crypto.SequenceAead;
import et.core.wire.Frame;
import et.core.wire.FrameHeader;
import et.core.wire.FrameType;
import et.core.wire.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The backed reader delivers each sequenced frame exactly once and in order: replayed frames are
 * dropped, a gap or a forged frame is a protocol error that leaves its count untouched.
 */
class BackedReaderTest {
  private final SequenceAead aead = new SequenceAead(TestKeys.fresh());
  private final BackedReader reader = new BackedReader(aead);

  @Test
  void deliversFramesInOrder() throws Exception {
    for (int seq = 0; seq < 20; seq++) {
      Optional<byte[]> payload = reader.accept(frame(aead, seq));
      assertArrayEquals(text(seq), payload.orElseThrow());
      assertEquals(seq + 1, reader.received());
    }
  }

  @Test
  void dropsFramesAReplayResendsTwice() throws Exception {
    List<Frame> frames = new ArrayList<>();
    for (int seq = 0; seq < 6; seq++) {
      frames.add(frame(aead, seq));
    }
    for (int seq = 0; seq < 4; seq++) {
      reader.accept(frames.get(seq));
    }
    // A replay from frame 1: 1..3 are already here, 4 and 5 are new.
    List<byte[]> delivered = new ArrayList<>();
    for (int seq = 1; seq < 6; seq++) {
      reader.accept(frames.get(seq)).ifPresent(delivered::add);
    }
    assertEquals(2, delivered.size());
    assertArrayEquals(text(4), delivered.get(0));
    assertArrayEquals(text(5), delivered.get(1));
    assertEquals(6, reader.received());
  }

  @Test
  void aGapIsAProtocolError() throws Exception {
    reader.accept(frame(aead, 0));
    reader.accept(frame(aead, 1));
    assertThrows(ProtocolException.class, () -> reader.accept(frame(aead, 3)));
    assertEquals(2, reader.received());
    // The stream is not poisoned: the frame that was due still goes in.
    assertArrayEquals(text(2), reader.accept(frame(aead, 2)).orElseThrow());
  }

  @Test
  void aTamperedFrameIsAProtocolErrorAndCountsNothing() throws Exception {
    reader.accept(frame(aead, 0));
    Frame honest = frame(aead, 1);

    byte[] flippedBody = honest.wire().clone();
    flippedBody[FrameHeader.BYTES + 2] ^= 0x01;
    assertThrows(ProtocolException.class, () -> reader.accept(new Frame(honest.header(), flippedBody)));
    assertEquals(1, reader.received());

    byte[] flippedChannel = honest.wire().clone();
    flippedChannel[4] ^= 0x01;
    FrameHeader forgedHeader = FrameHeader.decode(flippedChannel);
    assertThrows(ProtocolException.class, () -> reader.accept(new Frame(forgedHeader, flippedChannel)));
    assertEquals(1, reader.received());

    Frame otherKey = frame(new SequenceAead(TestKeys.fresh()), 1);
    assertThrows(ProtocolException.class, () -> reader.accept(otherKey));
    assertEquals(1, reader.received());

    // The honest frame still goes in afterwards.
    assertTrue(reader.accept(honest).isPresent());
    assertEquals(2, reader.received());
  }

  private static Frame frame(SequenceAead aead, long seq) {
    return Frame.seal(aead, FrameType.CHANNEL_DATA, 1, seq, text(seq));
  }

  private static byte[] text(long seq) {
    return ("frame " + seq).getBytes(StandardCharsets.US_ASCII);
  }
}
