package et.core.crypto;

import com.google.crypto.tink.subtle.Hkdf;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * Derives every key from the 32-byte session secret with HKDF-SHA256. The secret itself never
 * seals anything and never goes on the wire.
 *
 * <ul>
 *   <li>stream key: one per session and direction; seals the sequenced frames kept in the backlog,
 *       so a replay after reconnecting is a plain resend of the same bytes.
 *   <li>connection key: one per connection and direction, salted with both sides' fresh nonces;
 *       seals the handshake proofs and the connection's control frames (ack, ping, pong).
 *   <li>refusal key: one per session; vouches for a REFUSE ({@link RefusalProof}), so only a
 *       server that knows the session can end it with a refusal.
 *   <li>relay key: one per relay handshake, from a relay grant's secret (not a session's) and both
 *       sides' fresh nonces; authenticates the request and the answer ({@link RelayProof}).
 * </ul>
 *
 * <p>Every label starts with {@code et/}{@link #VERSION}, the protocol version HELLO announces: a
 * peer speaking another version derives other keys, so no proof made for one version passes for
 * another.
 */
public final class KeySchedule {
  /** The protocol version; it is part of every key's label. */
  public static final int VERSION = 1;
  public static final int SECRET_BYTES = 32;
  public static final int NONCE_BYTES = 32;
  private static final int KEY_BYTES = 32;

  private KeySchedule() {}

  /** The key for sequenced frames travelling in {@code direction} within one session. */
  public static byte[] streamKey(byte[] secret, byte[] sessionId, Direction direction) {
    return derive(secret, sessionId, "et/" + VERSION + " stream " + direction.label());
  }

  /** The key for one connection's control frames travelling in {@code direction}. */
  public static byte[] connectionKey(
      byte[] secret, byte[] clientNonce, byte[] serverNonce, Direction direction) {
    return derive(secret, salt(clientNonce, serverNonce), "et/" + VERSION + " connection " + direction.label());
  }

  private static byte[] salt(byte[] clientNonce, byte[] serverNonce) {
    if (clientNonce.length != NONCE_BYTES || serverNonce.length != NONCE_BYTES) {
      throw new IllegalArgumentException(
          "nonces must be " + NONCE_BYTES + " bytes: " + clientNonce.length + ", " + serverNonce.length);
    }
    byte[] salt = new byte[2 * NONCE_BYTES];
    System.arraycopy(clientNonce, 0, salt, 0, NONCE_BYTES);
    System.arraycopy(serverNonce, 0, salt, NONCE_BYTES, NONCE_BYTES);
    return salt;
  }

  /** The key of one relay handshake, from the relay grant's {@code secret} and both fresh nonces. */
  public static byte[] relayKey(byte[] secret, byte[] clientNonce, byte[] relayNonce) {
    return derive(secret, salt(clientNonce, relayNonce), "et/" + VERSION + " relay");
  }

  /** The key that vouches for the server's refusals of one session. */
  public static byte[] refusalKey(byte[] secret, byte[] sessionId) {
    return derive(secret, sessionId, "et/" + VERSION + " refusal");
  }

  private static byte[] derive(byte[] secret, byte[] salt, String info) {
    if (secret.length != SECRET_BYTES) {
      throw new IllegalArgumentException("secret must be " + SECRET_BYTES + " bytes: " + secret.length);
    }
    try {
      return Hkdf.computeHkdf(
          "HMACSHA256", secret, salt, info.getBytes(StandardCharsets.US_ASCII), KEY_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HKDF-SHA256 unavailable", e);
    }
  }
}
