package et.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import et.core.TestKeys;
import et.core.crypto.SequenceAead;
import java.nio.channels.Channels;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A sealed frame authenticates its whole header as well as its body: any changed bit, whether the
 * receiver parses the changed header itself or is handed the changed bytes, fails with a
 * ProtocolException and never yields a payload.
 */
class FrameTest {
  private static final int CHANNEL = 0x01020304;
  private static final long SEQUENCE = 0x1122334455667788L;

  private final SequenceAead aead = new SequenceAead(TestKeys.fresh());
  private final byte[] payload = "twelve bytes of data, and then a few more".getBytes();
  private final Frame sealed = Frame.seal(aead, FrameType.CHANNEL_DATA, CHANNEL, SEQUENCE, payload);

  @Test
  void sealThenOpenRoundTrips() throws Exception {
    assertEquals(FrameHeader.BYTES + payload.length + SequenceAead.TAG_BYTES, sealed.size());
    assertEquals(new FrameHeader(FrameType.CHANNEL_DATA, CHANNEL, SEQUENCE, payload.length + 16), sealed.header());
    assertArrayEquals(payload, sealed.open(aead));

    // What a receiver sees: the header parsed from the bytes on the wire.
    assertArrayEquals(payload, receive(sealed.wire()));
  }

  @Test
  void headerIsLaidOutBigEndian() {
    ByteBuffer wire = ByteBuffer.wrap(sealed.wire());
    assertEquals(FrameType.CHANNEL_DATA.code, wire.get() & 0xff);
    assertEquals(CHANNEL, wire.getInt());
    assertEquals(SEQUENCE, wire.getLong());
    assertEquals(payload.length + SequenceAead.TAG_BYTES, wire.getInt());
  }

  @Test
  void emptyPayloadRoundTrips() throws Exception {
    Frame eof = Frame.seal(aead, FrameType.CHANNEL_EOF, 9, 0, new byte[0]);
    assertEquals(0, eof.open(aead).length);
    assertEquals(0, receive(eof.wire()).length);
  }

  @Test
  void everyHeaderBitIsAuthenticated() {
    // Type (byte 0), channel (1-4), sequence (5-12), length (13-16): every bit of each.
    for (int index = 0; index < FrameHeader.BYTES; index++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] tampered = sealed.wire().clone();
        tampered[index] ^= (byte) (1 << bit);
        String where = "header byte " + index + " bit " + bit;
        // Handed the original header with changed bytes, and parsing the changed header itself.
        assertThrows(ProtocolException.class, () -> new Frame(sealed.header(), tampered).open(aead), where);
        assertThrows(ProtocolException.class, () -> receive(tampered), where);
      }
    }
  }

  @Test
  void aHeaderNamingAnotherValidTypeDoesNotOpen() {
    // CHANNEL_OPEN accepts this body length too, so only authentication can tell.
    byte[] tampered = sealed.wire().clone();
    tampered[0] = (byte) FrameType.CHANNEL_OPEN.code;
    assertThrows(ProtocolException.class, () -> receive(tampered));
  }

  @Test
  void everyBodyBitIsAuthenticated() {
    for (int index = FrameHeader.BYTES; index < sealed.size(); index++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] tampered = sealed.wire().clone();
        tampered[index] ^= (byte) (1 << bit);
        assertThrows(
            ProtocolException.class,
            () -> new Frame(sealed.header(), tampered).open(aead),
            "body byte " + index + " bit " + bit);
      }
    }
  }

  @Test
  void aTruncatedOrExtendedBodyDoesNotOpen() {
    byte[] shorter = Arrays.copyOf(sealed.wire(), sealed.size() - 1);
    assertThrows(ProtocolException.class, () -> new Frame(sealed.header(), shorter).open(aead));
    byte[] longer = Arrays.copyOf(sealed.wire(), sealed.size() + 1);
    assertThrows(ProtocolException.class, () -> new Frame(sealed.header(), longer).open(aead));
  }

  @Test
  void anotherKeyOrSequenceDoesNotOpen() {
    byte[] otherKey = new byte[32];
    otherKey[31] = 1;
    assertThrows(ProtocolException.class, () -> sealed.open(new SequenceAead(otherKey)));
    FrameHeader otherSequence =
        new FrameHeader(FrameType.CHANNEL_DATA, CHANNEL, SEQUENCE + 1, sealed.header().length());
    assertThrows(ProtocolException.class, () -> new Frame(otherSequence, sealed.wire()).open(aead));
  }

  @Test
  void plainFramesCarryTheirBody() throws Exception {
    byte[] challenge = new byte[32];
    Arrays.fill(challenge, (byte) 0x5a);
    Frame plain = Frame.plain(FrameType.CHALLENGE, challenge);
    Frame read = new FrameReader(Channels.newChannel(new ByteArrayInputStream(plain.wire()))).read();
    assertEquals(plain.header(), read.header());
    assertArrayEquals(challenge, read.body());
  }

  /**
   * Parses {@code wire} as a receiver does and opens it. Zero bytes follow it, so a tampered length
   * that passes the header check reads a (wrong) body rather than running out of input.
   */
  private byte[] receive(byte[] wire) throws IOException {
    byte[] stream = Arrays.copyOf(wire, wire.length + FrameType.MAX_DATA_BYTES + SequenceAead.TAG_BYTES);
    Frame frame = new FrameReader(Channels.newChannel(new ByteArrayInputStream(stream))).read();
    return frame.open(aead);
  }
}
