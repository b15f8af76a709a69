package et.core;

import java.security.SecureRandom;

/**
 * Fresh AES-256 keys for tests. Tests never share a fixed key: the JDK's AES-GCM refuses to
 * encrypt twice in a row with the same key and nonce on one thread ("Cannot reuse iv"), so two
 * tests sealing frame 0 under one constant key would trip over each other.
 */
public final class TestKeys {
  private static final SecureRandom RANDOM = new SecureRandom();

  private TestKeys() {}

  public static byte[] fresh() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return key;
  }
}
