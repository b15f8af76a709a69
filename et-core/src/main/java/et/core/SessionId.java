package et.core;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/** The 16-byte public name of a session; travels in the clear in the first handshake frame. */
public final class SessionId {
  public static final int BYTES = 16;
  private final byte[] bytes;

  private SessionId(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A fresh random id. */
  public static SessionId random(SecureRandom random) {
    byte[] bytes = new byte[BYTES];
    random.nextBytes(bytes);
    return new SessionId(bytes);
  }

  /** The id with these 16 bytes. */
  public static SessionId of(byte[] bytes) {
    if (bytes.length != BYTES) {
      throw new IllegalArgumentException("session id must be " + BYTES + " bytes: " + bytes.length);
    }
    return new SessionId(bytes.clone());
  }

  /** Parses the 32 hex digits of {@link #toString()}. */
  public static SessionId parse(String hex) {
    if (hex.length() != 2 * BYTES) {
      throw new IllegalArgumentException("session id must be " + 2 * BYTES + " hex digits: " + hex);
    }
    return new SessionId(HexFormat.of().parseHex(hex));
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  /** The id as 32 lowercase hex digits. */
  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SessionId that && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }
}
