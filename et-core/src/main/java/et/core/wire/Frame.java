package et.core.wire;

import et.core.crypto.SequenceAead;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One frame exactly as it travels: the header followed by the body, in {@code wire} from {@code
 * start} to its end. Sealed frames are built and opened here so the header is always the associated
 * data and the sequence number always the nonce.
 *
 * <p>{@code start} is 0 but for the frames {@link FrameReader#readReused} puts at the end of the
 * array it reuses (Tink opens a ciphertext that runs to the end of its array).
 */
public record Frame(FrameHeader header, byte[] wire, int start) {

  public Frame {
    Objects.checkFromIndexSize(start, FrameHeader.BYTES, wire.length);
  }

  /** A frame that fills {@code wire}. */
  public Frame(FrameHeader header, byte[] wire) {
    this(header, wire, 0);
  }

  /** A cleartext frame (HELLO, CHALLENGE, REFUSE). */
  public static Frame plain(FrameType type, byte[] body) {
    FrameHeader header = new FrameHeader(type, 0, 0, body.length);
    byte[] wire = new byte[FrameHeader.BYTES + body.length];
    header.writeTo(wire);
    System.arraycopy(body, 0, wire, FrameHeader.BYTES, body.length);
    return new Frame(header, wire);
  }

  /** Seals {@code payload} under {@code aead} with {@code sequence} as the nonce. */
  public static Frame seal(
      SequenceAead aead, FrameType type, int channel, long sequence, byte[] payload) {
    FrameHeader header =
        new FrameHeader(type, channel, sequence, payload.length + SequenceAead.TAG_BYTES);
    byte[] wire = aead.seal(sequence, payload, FrameHeader.BYTES, header.encode());
    header.writeTo(wire);
    return new Frame(header, wire);
  }

  /** The authenticated payload, or a ProtocolException when the frame was forged or corrupted. */
  public byte[] open(SequenceAead aead) throws ProtocolException {
    Optional<byte[]> plaintext =
        aead.open(
            header.sequence(),
            wire,
            start + FrameHeader.BYTES,
            Arrays.copyOfRange(wire, start, start + FrameHeader.BYTES));
    return plaintext.orElseThrow(
        () ->
            new ProtocolException(
                header.type() + " #" + header.sequence() + " failed authentication"));
  }

  /** The body of a cleartext frame. */
  public byte[] body() {
    return Arrays.copyOfRange(wire, start + FrameHeader.BYTES, wire.length);
  }

  public FrameType type() {
    return header.type();
  }

  /** Bytes this frame occupies on the wire. */
  public int size() {
    return wire.length - start;
  }
}
