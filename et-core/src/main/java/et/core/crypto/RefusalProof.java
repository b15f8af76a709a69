package et.core.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The 32 bytes a REFUSE carries to show that it comes from a server that knows the session:
 * HMAC-SHA256 under the session's refusal key over the refusal code and the client's fresh nonce,
 * so it can neither be made without the secret nor replayed on another connection. A server that
 * cannot vouch (it never knew the session, or has forgotten it) sends random bytes, which look the
 * same to anyone without the secret.
 */
public final class RefusalProof {
  public static final int BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private RefusalProof() {}

  /** The proof for refusing with {@code code} the connection that sent {@code clientNonce}. */
  public static byte[] of(byte[] refusalKey, int code, byte[] clientNonce) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(refusalKey, "HmacSHA256"));
      mac.update((byte) code);
      return mac.doFinal(clientNonce);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }

  /** Stands in for a proof where the server cannot make one. */
  public static byte[] none() {
    byte[] filler = new byte[BYTES];
    RANDOM.nextBytes(filler);
    return filler;
  }

  /** Whether {@code proof} is the one for {@code code} and {@code clientNonce}; constant time. */
  public static boolean verifies(byte[] proof, byte[] refusalKey, int code, byte[] clientNonce) {
    return MessageDigest.isEqual(proof, of(refusalKey, code, clientNonce));
  }
}
