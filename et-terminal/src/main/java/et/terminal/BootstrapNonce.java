package et.terminal;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The 16 random bytes a client picks for one bootstrap; etterminal repeats them in its answer, so
 * the client can tell that answer from anything the remote shell prints (noise cannot guess them).
 * Written as 32 hex digits; {@link #toString()} is that form (it is not a secret).
 */
public final class BootstrapNonce {
  public static final int BYTES = 16;

  private final byte[] bytes;

  private BootstrapNonce(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A fresh nonce from SecureRandom. */
  public static BootstrapNonce random() {
    byte[] bytes = new byte[BYTES];
    RandomSource.RANDOM.nextBytes(bytes);
    return new BootstrapNonce(bytes);
  }

  /**
   * Made at the first {@link #random()}: etterminal only parses nonces, and a fresh JVM spends tens
   * of milliseconds setting up SecureRandom, before it starts a session host on a first run.
   */
  private static final class RandomSource {
    static final SecureRandom RANDOM = new SecureRandom();
  }

  /** The nonce with these 16 bytes. */
  public static BootstrapNonce of(byte[] bytes) {
    if (bytes.length != BYTES) {
      throw new IllegalArgumentException("nonce must be " + BYTES + " bytes: " + bytes.length);
    }
    return new BootstrapNonce(bytes.clone());
  }

  /** Parses the 32 hex digits (either case) of a bootstrap line's {@code nonce} field. */
  public static BootstrapNonce parse(String hex) throws BootstrapException {
    return new BootstrapNonce(BootstrapLine.hex("nonce", hex, BYTES));
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  /** The nonce as 32 lower-case hex digits, as bootstrap lines carry it. */
  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof BootstrapNonce that && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }
}
