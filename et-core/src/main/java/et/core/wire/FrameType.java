package et.core.wire;

import static et.core.crypto.SequenceAead.TAG_BYTES;

import et.core.crypto.RefusalProof;
import et.core.crypto.RelayProof;

/**
 * Every frame type on the wire, with the body length each may carry. A length outside
 * {@code [minBody, maxBody]} is refused before the body is allocated.
 */
public enum FrameType {
  // Handshake, before any key is agreed. HELLO and CHALLENGE and REFUSE are cleartext.
  HELLO(0x01, Kind.HANDSHAKE, 49, 49),
  CHALLENGE(0x02, Kind.HANDSHAKE, 32, 32),
  PROOF(0x03, Kind.HANDSHAKE, 8 + 16 + TAG_BYTES, 8 + 16 + TAG_BYTES),
  RESUME(0x04, Kind.HANDSHAKE, 8 + TAG_BYTES, 8 + TAG_BYTES),
  REFUSE(0x05, Kind.HANDSHAKE, 1 + RefusalProof.BYTES, 1 + RefusalProof.BYTES + FrameType.MAX_REASON_BYTES),

  // A relay's own handshake (docs/PROTOCOL.md, "Relays"), before the end-to-end one; cleartext,
  // authenticated with HMACs under the relay grant's key.
  RELAY_HELLO(0x06, Kind.HANDSHAKE, 49, 49),
  RELAY_CONNECT(0x07, Kind.HANDSHAKE, RelayProof.BYTES + 2 + 1, RelayProof.BYTES + 2 + FrameType.MAX_HOST_BYTES),
  RELAY_ANSWER(0x08, Kind.HANDSHAKE, 1 + RelayProof.BYTES, 1 + RelayProof.BYTES + FrameType.MAX_REASON_BYTES),

  // Control frames of one connection, sealed with its connection key, numbered per connection.
  ACK(0x10, Kind.CONTROL, 8 + TAG_BYTES, 8 + TAG_BYTES),
  PING(0x11, Kind.CONTROL, 8 + TAG_BYTES, 8 + TAG_BYTES),
  PONG(0x12, Kind.CONTROL, 8 + TAG_BYTES, 8 + TAG_BYTES),

  // Sequenced stream frames, sealed with the session's stream key, kept until acknowledged.
  CHANNEL_OPEN(0x20, Kind.STREAM, TAG_BYTES, FrameType.MAX_LABEL_BYTES + TAG_BYTES),
  CHANNEL_DATA(0x21, Kind.STREAM, 1 + TAG_BYTES, FrameType.MAX_DATA_BYTES + TAG_BYTES),
  CHANNEL_WINDOW(0x22, Kind.STREAM, 4 + TAG_BYTES, 4 + TAG_BYTES),
  CHANNEL_EOF(0x23, Kind.STREAM, TAG_BYTES, TAG_BYTES),
  CHANNEL_CLOSE(0x24, Kind.STREAM, TAG_BYTES, TAG_BYTES),
  SESSION_CLOSE(0x30, Kind.STREAM, 4 + TAG_BYTES, 4 + FrameType.MAX_REASON_BYTES + TAG_BYTES);

  /** Largest payload of one CHANNEL_DATA frame, in bytes. */
  public static final int MAX_DATA_BYTES = 64 * 1024;
  /** Largest UTF-8 channel label, in bytes. */
  public static final int MAX_LABEL_BYTES = 256;
  /** Largest UTF-8 host name a relay is asked to connect to, in bytes. */
  public static final int MAX_HOST_BYTES = 255;
  /** Largest UTF-8 reason text (refusal, session close), in bytes. */
  public static final int MAX_REASON_BYTES = 256;

  /** How a frame is protected and numbered. */
  public enum Kind {
    HANDSHAKE,
    CONTROL,
    STREAM
  }

  private static final FrameType[] BY_CODE = new FrameType[256];

  static {
    for (FrameType type : values()) {
      BY_CODE[type.code] = type;
    }
  }

  public final int code;
  public final Kind kind;
  public final int minBody;
  public final int maxBody;

  FrameType(int code, Kind kind, int minBody, int maxBody) {
    this.code = code;
    this.kind = kind;
    this.minBody = minBody;
    this.maxBody = maxBody;
  }

  /** The type with this code, or null for a code we do not know. */
  public static FrameType ofCode(int code) {
    return BY_CODE[code & 0xff];
  }
}
