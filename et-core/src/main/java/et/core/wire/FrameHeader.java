package et.core.wire;

import java.nio.ByteBuffer;

/**
 * The 17-byte frame header, authenticated as associated data of the sealed body:
 * {@code type u8 | channel u32 | sequence u64 | length u32}, big-endian. {@code length} counts the
 * body bytes that follow (ciphertext and tag for sealed frames).
 */
public record FrameHeader(FrameType type, int channel, long sequence, int length) {
  public static final int BYTES = 17;

  /** The header as it goes on the wire. */
  public byte[] encode() {
    byte[] bytes = new byte[BYTES];
    writeTo(bytes);
    return bytes;
  }

  /** Writes the header into the first {@link #BYTES} bytes of {@code frame}. */
  public void writeTo(byte[] frame) {
    ByteBuffer.wrap(frame, 0, BYTES)
        .put((byte) type.code)
        .putInt(channel)
        .putLong(sequence)
        .putInt(length);
  }

  /** Parses and checks a header; the length is checked against the type's cap before any allocation. */
  public static FrameHeader decode(byte[] bytes) throws ProtocolException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, BYTES);
    int code = buffer.get() & 0xff;
    FrameType type = FrameType.ofCode(code);
    if (type == null) {
      throw new ProtocolException("unknown frame type 0x" + Integer.toHexString(code));
    }
    int channel = buffer.getInt();
    long sequence = buffer.getLong();
    int length = buffer.getInt();
    if (length < type.minBody || length > type.maxBody) {
      throw new ProtocolException(
          type + " body length " + Integer.toUnsignedString(length) + " outside ["
              + type.minBody + ", " + type.maxBody + "]");
    }
    return new FrameHeader(type, channel, sequence, length);
  }
}
