package et.core.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC-SHA256 tags of a relay handshake, under that handshake's relay key ({@link
 * KeySchedule#relayKey}, salted with both fresh nonces, so no tag is good on another connection).
 * The client's tag binds the grant id and the destination it names; the relay's binds its answer
 * code. Each has its own label, so one can never pass for the other.
 */
public final class RelayProof {
  public static final int BYTES = 32;

  private RelayProof() {}

  /** The client's tag over {@code grantId} and the destination {@code host}:{@code port}. */
  public static byte[] request(byte[] relayKey, byte[] grantId, String host, int port) {
    byte[] hostBytes = host.getBytes(StandardCharsets.UTF_8);
    return mac(relayKey, ByteBuffer.allocate(grantId.length + 2 + hostBytes.length)
        .put(grantId).putShort((short) port).put(hostBytes).array(), "request");
  }

  /** The relay's tag over its answer {@code code}. */
  public static byte[] answer(byte[] relayKey, int code) {
    return mac(relayKey, new byte[] {(byte) code}, "answer");
  }

  /** Whether {@code tag} equals {@code expected}; constant time. */
  public static boolean matches(byte[] tag, byte[] expected) {
    return MessageDigest.isEqual(tag, expected);
  }

  private static byte[] mac(byte[] key, byte[] message, String label) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(("et/" + KeySchedule.VERSION + " relay " + label).getBytes(StandardCharsets.US_ASCII));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }
}
