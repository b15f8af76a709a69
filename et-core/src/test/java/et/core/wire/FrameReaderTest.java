package et.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.crypto.SequenceAead;
import et.testkit.TestSeed;
import et.testkit.TestStreams;
import java.nio.channels.Channels;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link FrameReader} judges every header before it reads or allocates a body, and reassembles
 * whole frames from a stream that hands out a byte at a time.
 */
class FrameReaderTest {
  private static final long SEED = TestSeed.forTest("FrameReaderTest");

  @BeforeAll
  static void printSeed() {
  }

  @Test
  void twoGibibyteBodyIsRefusedBeforeAnyOfItIsRead() {
    byte[] header = header(FrameType.CHANNEL_DATA, 1 << 31);
    InputStream endless = new HeaderThenEndlessBody(header);

    ProtocolException refused =
        assertThrows(ProtocolException.class, () -> new FrameReader(Channels.newChannel(endless)).read());
    assertTrue(refused.getMessage().contains("body length 2147483648"), refused.getMessage());
  }

  @ParameterizedTest
  @EnumSource(FrameType.class)
  void lengthsJustOutsideEachTypesBoundsAreRefused(FrameType type) {
    for (int length : List.of(type.minBody - 1, type.maxBody + 1)) {
      // The body is really there: only the header's claim may condemn the frame.
      byte[] frame = Arrays.copyOf(header(type, length), FrameHeader.BYTES + Math.max(0, length));
      ProtocolException refused =
          assertThrows(
              ProtocolException.class,
              () -> new FrameReader(Channels.newChannel(new ByteArrayInputStream(frame))).read(),
              type + " with a body of " + length);
      assertTrue(refused.getMessage().contains("body length " + length), refused.getMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(FrameType.class)
  void lengthsAtEachTypesBoundsAreAccepted(FrameType type) throws IOException {
    for (int length : List.of(type.minBody, type.maxBody)) {
      byte[] frame = Arrays.copyOf(header(type, length), FrameHeader.BYTES + length);
      Frame read = new FrameReader(Channels.newChannel(new ByteArrayInputStream(frame))).read();
      assertEquals(type, read.type());
      assertEquals(length, read.header().length());
      assertArrayEquals(frame, read.wire());
    }
  }

  @Test
  void unknownTypeIsRefused() {
    byte[] frame = Arrays.copyOf(header(0x7F, 8), FrameHeader.BYTES + 8);
    ProtocolException refused =
        assertThrows(
            ProtocolException.class, () -> new FrameReader(Channels.newChannel(new ByteArrayInputStream(frame))).read());
    assertTrue(refused.getMessage().contains("unknown frame type 0x7f"), refused.getMessage());
  }

  @Test
  void streamYieldingOneByteAtATimeStillGivesWholeFrames() throws IOException {
    Random random = new Random(SEED);
    byte[] key = new byte[32];
    random.nextBytes(key);
    byte[] data = new byte[FrameType.MAX_DATA_BYTES];
    random.nextBytes(data);
    List<Frame> sent =
        List.of(
            Frame.plain(FrameType.HELLO, new byte[FrameType.HELLO.minBody]),
            Frame.plain(FrameType.REFUSE, new byte[FrameType.REFUSE.minBody + 2]),
            Frame.seal(new SequenceAead(key), FrameType.CHANNEL_DATA, 3, 7, data),
            Frame.seal(new SequenceAead(key), FrameType.CHANNEL_EOF, 3, 8, new byte[0]));
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (Frame frame : sent) {
      wire.write(frame.wire());
    }

    FrameReader reader = new FrameReader(Channels.newChannel(TestStreams.oneByteAtATime(wire.toByteArray())));
    for (Frame expected : sent) {
      Frame got = reader.read();
      assertEquals(expected.header(), got.header());
      assertArrayEquals(expected.wire(), got.wire());
    }
    assertThrows(EOFException.class, reader::read, "clean end of stream between frames");
  }

  @Test
  void reusedReadsOpenFramesOfEverySizeAndGrowTheirArrayOnlyForALargerFrame() throws IOException {
    Random random = new Random(SEED);
    byte[] key = new byte[32];
    random.nextBytes(key);
    SequenceAead aead = new SequenceAead(key);
    List<byte[]> payloads = new java.util.ArrayList<>();
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (int length : List.of(1, 17, 5000, 3000, FrameType.MAX_DATA_BYTES, 1, FrameType.MAX_DATA_BYTES, 17)) {
      byte[] payload = new byte[length];
      random.nextBytes(payload);
      payloads.add(payload);
      wire.write(Frame.seal(aead, FrameType.CHANNEL_DATA, 3, payloads.size(), payload).wire());
    }

    FrameReader reader = new FrameReader(Channels.newChannel(TestStreams.oneByteAtATime(wire.toByteArray())));
    byte[] array = null;
    for (int i = 0; i < payloads.size(); i++) {
      Frame got = reader.readReused();
      // A shorter frame after a longer one: the longer one's tail must not reach the cipher.
      assertArrayEquals(payloads.get(i), got.open(aead), "frame " + (i + 1));
      assertEquals(FrameHeader.BYTES + payloads.get(i).length + SequenceAead.TAG_BYTES, got.size());
      boolean fits = array != null && got.size() <= array.length;
      assertEquals(fits, array == got.wire(), "frame " + (i + 1) + " in the array before it, as it fits there");
      array = got.wire();
    }
    assertThrows(EOFException.class, reader::readReused, "clean end of stream between frames");
  }

  @Test
  void theReusedArrayOfSmallFramesIsSmall() throws IOException {
    SequenceAead aead = new SequenceAead(new byte[32]);
    Frame keystroke = Frame.seal(aead, FrameType.CHANNEL_DATA, 3, 1, new byte[] {'x'});
    FrameReader reader = new FrameReader(Channels.newChannel(new ByteArrayInputStream(keystroke.wire())));
    assertEquals(4096, reader.readReused().wire().length, "the array an idle terminal's reader keeps");
  }

  @Test
  void endOfStreamMidHeaderThrowsEof() {
    byte[] partial = Arrays.copyOf(header(FrameType.HELLO, FrameType.HELLO.minBody), 9);
    assertThrows(EOFException.class, () -> new FrameReader(Channels.newChannel(new ByteArrayInputStream(partial))).read());
    assertThrows(EOFException.class, () -> new FrameReader(Channels.newChannel(TestStreams.oneByteAtATime(partial))).read());
  }

  @Test
  void endOfStreamMidBodyThrowsEof() {
    byte[] partial = Arrays.copyOf(header(FrameType.HELLO, FrameType.HELLO.minBody), FrameHeader.BYTES + 10);
    assertThrows(EOFException.class, () -> new FrameReader(Channels.newChannel(new ByteArrayInputStream(partial))).read());
    assertThrows(EOFException.class, () -> new FrameReader(Channels.newChannel(TestStreams.oneByteAtATime(partial))).read());
  }

  @Test
  void emptyStreamThrowsEof() {
    assertThrows(EOFException.class, () -> new FrameReader(Channels.newChannel(InputStream.nullInputStream())).read());
  }

  private static byte[] header(FrameType type, int length) {
    return header(type.code, length);
  }

  private static byte[] header(int typeCode, int length) {
    return ByteBuffer.allocate(FrameHeader.BYTES)
        .put((byte) typeCode)
        .putInt(5)
        .putLong(9)
        .putInt(length)
        .array();
  }

  /**
   * A header followed by as many body bytes as anyone asks for; fails the test the moment more
   * than the header's 17 bytes are requested, i.e. the moment a reader goes for the body.
   */
  private static final class HeaderThenEndlessBody extends InputStream {
    private final byte[] header;
    private long requested;
    private int position;

    HeaderThenEndlessBody(byte[] header) {
      this.header = header;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      requested += len;
      if (requested > FrameHeader.BYTES) {
        throw new AssertionError(
            "the reader asked for " + requested + " bytes: it went for the body of a refused frame");
      }
      int n = Math.min(len, header.length - position);
      System.arraycopy(header, position, b, off, n);
      position += n;
      return n;
    }
  }
}
