package et.core.crypto;

import com.google.crypto.tink.aead.internal.InsecureNonceAesGcmJce;
import java.security.GeneralSecurityException;
import java.util.Optional;

/**
 * AES-256-GCM (Tink) whose 96-bit nonce is a 64-bit sequence number, so a key never sees the same
 * nonce twice as long as each sequence number is sealed once. Callers own that rule: the backed
 * writer seals each stream frame exactly once and resends the sealed bytes; control frames use a
 * per-connection counter under a per-connection key.
 *
 * <p>Tink's nonce-taking AES-GCM lives in an internal package; we use it because Tink's public Aead
 * picks random nonces, which would not let a test prove uniqueness. The Tink version is pinned.
 */
public final class SequenceAead {
  public static final int TAG_BYTES = 16;
  private static final int NONCE_BYTES = 12;

  private final InsecureNonceAesGcmJce cipher;

  public SequenceAead(byte[] key) {
    try {
      this.cipher = new InsecureNonceAesGcmJce(key);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("bad AES-256-GCM key of " + key.length + " bytes", e);
    }
  }

  /** The 12-byte GCM nonce for a sequence number: four zero bytes, then the number big-endian. */
  public static byte[] nonce(long sequence) {
    byte[] nonce = new byte[NONCE_BYTES];
    for (int i = 0; i < 8; i++) {
      nonce[NONCE_BYTES - 1 - i] = (byte) (sequence >>> (8 * i));
    }
    return nonce;
  }

  /**
   * Seals {@code plaintext} and returns an array of {@code prefix + plaintext.length + TAG_BYTES}
   * bytes whose first {@code prefix} bytes are zero, for the caller's header.
   */
  public byte[] seal(long sequence, byte[] plaintext, int prefix, byte[] associatedData) {
    try {
      return cipher.encrypt(nonce(sequence), plaintext, prefix, associatedData);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM seal failed", e);
    }
  }

  /** Opens ciphertext starting at {@code offset}; empty when the tag does not verify. */
  public Optional<byte[]> open(long sequence, byte[] sealed, int offset, byte[] associatedData) {
    try {
      return Optional.of(cipher.decrypt(nonce(sequence), sealed, offset, associatedData));
    } catch (GeneralSecurityException e) {
      return Optional.empty();
    }
  }
}
