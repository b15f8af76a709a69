package et.core;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * What a client needs to reach a session: its id and its 32-byte secret. The server makes them;
 * the bootstrap (ssh) carries them to the client. {@link #toString()} never shows the secret.
 */
public final class SessionCredentials {
  public static final int SECRET_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SessionId id;
  private final byte[] secret;

  public SessionCredentials(SessionId id, byte[] secret) {
    if (secret.length != SECRET_BYTES) {
      throw new IllegalArgumentException("secret must be " + SECRET_BYTES + " bytes: " + secret.length);
    }
    this.id = id;
    this.secret = secret.clone();
  }

  /** A fresh id and secret from SecureRandom. */
  public static SessionCredentials generate() {
    byte[] secret = new byte[SECRET_BYTES];
    RANDOM.nextBytes(secret);
    return new SessionCredentials(SessionId.random(RANDOM), secret);
  }

  public SessionId id() {
    return id;
  }

  /** A copy of the secret. */
  public byte[] secret() {
    return secret.clone();
  }

  /** The secret as unpadded base64url, for carrying over the bootstrap channel. */
  public String encodedSecret() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  /** Credentials from an id and a secret as {@link #encodedSecret()} wrote it. */
  public static SessionCredentials decode(String id, String encodedSecret) {
    return new SessionCredentials(SessionId.parse(id), Base64.getUrlDecoder().decode(encodedSecret));
  }

  @Override
  public String toString() {
    return "SessionCredentials[" + id + ", secret hidden]";
  }
}
