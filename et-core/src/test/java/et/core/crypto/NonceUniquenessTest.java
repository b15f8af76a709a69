package et.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.resume.BackedWriter;
import et.core.wire.Frame;
import et.core.wire.FrameType;
import et.core.wire.ProtocolException;
import et.testkit.TestSeed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Security test: AES-GCM breaks if one key seals two different plaintexts under one nonce, and
 * resending after a reconnect is exactly where that could happen. We watch every frame leaving a
 * backed writer across many rewinds and require that a (key, nonce) pair seen twice carries
 * byte-identical ciphertext. Then the key schedule: every key is bound to its direction, session
 * and connection, and none equals the secret.
 */
class NonceUniquenessTest {
  private static final HexFormat HEX = HexFormat.of();

  private final Random random = new Random(TestSeed.forTest("NonceUniquenessTest"));
  private final byte[] secret = bytes(KeySchedule.SECRET_BYTES);
  private final byte[] sessionId = bytes(16);

  @Test
  void resendingAfterRewindsNeverSealsANewPlaintextUnderAUsedNonce() throws Exception {
    // What went out, by (key, nonce): the first wire bytes seen for that pair.
    Map<String, byte[]> sentUnder = new HashMap<>();
    int resends = 0;
    for (Direction direction : Direction.values()) {
      byte[] key = KeySchedule.streamKey(secret, sessionId, direction);
      resends += sendWithRewinds(key, 400, sentUnder);
    }
    assertEquals(2 * 400, sentUnder.size(), "distinct (key, nonce) pairs: one per frame and direction");
    assertTrue(resends > 100, "the run resent frames (" + resends + "), so reuse had a chance");
  }

  /**
   * Appends {@code frames} frames with random payloads, sending some, acknowledging some and
   * rewinding to a random resumable point between steps, as successive connections would.
   */
  private int sendWithRewinds(byte[] key, int frames, Map<String, byte[]> sentUnder)
      throws Exception {
    String keyId = HEX.formatHex(key);
    SequenceAead aead = new SequenceAead(key);
    BackedWriter writer = new BackedWriter(aead, 64, 1 << 20, 1 << 20, 0);
    long sent = 0;
    int resends = 0;
    for (int round = 0; round < 10_000 && writer.acked() < frames; round++) {
      int room = (int) Math.min(64 - (writer.written() - writer.acked()), frames - writer.written());
      for (int i = random.nextInt(room + 1); i > 0; i--) {
        writer.append(FrameType.CHANNEL_DATA, 1, bytes(1 + random.nextInt(300)));
      }
      for (int i = random.nextInt(20); i > 0; i--) {
        Frame frame = writer.nextToSend();
        if (frame == null) {
          break;
        }
        long seq = frame.header().sequence();
        String pair = keyId + "/" + HEX.formatHex(SequenceAead.nonce(seq));
        byte[] earlier = sentUnder.putIfAbsent(pair, frame.wire());
        if (earlier != null) {
          resends++;
          assertArrayEquals(earlier, frame.wire(), "nonce " + seq + " sealed two different frames");
        }
        sent = seq + 1;
      }
      if (sent > writer.acked() && random.nextBoolean()) {
        writer.acknowledge(writer.acked() + 1 + random.nextLong(sent - writer.acked()));
      }
      if (random.nextInt(3) == 0) {
        // A new connection: the peer holds anything from what we know it acknowledged to what we sent.
        sent = writer.acked() + random.nextLong(sent - writer.acked() + 1);
        writer.resumeFrom(sent);
      }
    }
    assertEquals(frames, writer.acked(), "all frames acknowledged in the end");
    return resends;
  }

  @Test
  void streamKeysDifferByDirectionAndSession() {
    byte[] clientToServer = KeySchedule.streamKey(secret, sessionId, Direction.CLIENT_TO_SERVER);
    byte[] serverToClient = KeySchedule.streamKey(secret, sessionId, Direction.SERVER_TO_CLIENT);
    byte[] otherSession = KeySchedule.streamKey(secret, bytes(16), Direction.CLIENT_TO_SERVER);
    byte[] otherSecret = KeySchedule.streamKey(bytes(32), sessionId, Direction.CLIENT_TO_SERVER);
    assertAllDistinct(clientToServer, serverToClient, otherSession, otherSecret, secret);
    assertArrayEquals(
        clientToServer,
        KeySchedule.streamKey(secret.clone(), sessionId.clone(), Direction.CLIENT_TO_SERVER),
        "both ends derive the same key");
    assertEquals(32, clientToServer.length);
  }

  @Test
  void connectionKeysDifferByEitherNonceAndDirection() {
    byte[] clientNonce = bytes(KeySchedule.NONCE_BYTES);
    byte[] serverNonce = bytes(KeySchedule.NONCE_BYTES);
    byte[] base = KeySchedule.connectionKey(secret, clientNonce, serverNonce, Direction.CLIENT_TO_SERVER);
    byte[] reversed = KeySchedule.connectionKey(secret, clientNonce, serverNonce, Direction.SERVER_TO_CLIENT);
    byte[] newClientNonce =
        KeySchedule.connectionKey(secret, bytes(32), serverNonce, Direction.CLIENT_TO_SERVER);
    byte[] newServerNonce =
        KeySchedule.connectionKey(secret, clientNonce, bytes(32), Direction.CLIENT_TO_SERVER);
    byte[] swappedNonces =
        KeySchedule.connectionKey(secret, serverNonce, clientNonce, Direction.CLIENT_TO_SERVER);
    byte[] streamKey = KeySchedule.streamKey(secret, sessionId, Direction.CLIENT_TO_SERVER);
    assertAllDistinct(base, reversed, newClientNonce, newServerNonce, swappedNonces, streamKey, secret);
    assertArrayEquals(
        base, KeySchedule.connectionKey(secret, clientNonce, serverNonce, Direction.CLIENT_TO_SERVER));
  }

  @Test
  void keyScheduleRejectsMisSizedInputs() {
    byte[] nonce = bytes(32);
    assertThrows(IllegalArgumentException.class,
        () -> KeySchedule.streamKey(bytes(31), sessionId, Direction.CLIENT_TO_SERVER));
    assertThrows(IllegalArgumentException.class,
        () -> KeySchedule.connectionKey(secret, bytes(31), nonce, Direction.CLIENT_TO_SERVER));
    assertThrows(IllegalArgumentException.class,
        () -> KeySchedule.connectionKey(secret, nonce, bytes(33), Direction.CLIENT_TO_SERVER));
  }

  @Test
  void aFrameSealedForOneDirectionDoesNotOpenInTheOther() throws Exception {
    SequenceAead clientToServer =
        new SequenceAead(KeySchedule.streamKey(secret, sessionId, Direction.CLIENT_TO_SERVER));
    SequenceAead serverToClient =
        new SequenceAead(KeySchedule.streamKey(secret, sessionId, Direction.SERVER_TO_CLIENT));
    Frame frame = Frame.seal(clientToServer, FrameType.CHANNEL_DATA, 1, 0, "ls -l".getBytes());
    assertArrayEquals("ls -l".getBytes(), frame.open(clientToServer));
    // Reflected back at its sender, the frame is refused.
    assertThrows(ProtocolException.class, () -> frame.open(serverToClient));

    byte[] clientNonce = bytes(32);
    byte[] serverNonce = bytes(32);
    SequenceAead controlOut =
        new SequenceAead(KeySchedule.connectionKey(secret, clientNonce, serverNonce, Direction.CLIENT_TO_SERVER));
    SequenceAead controlIn =
        new SequenceAead(KeySchedule.connectionKey(secret, clientNonce, serverNonce, Direction.SERVER_TO_CLIENT));
    Frame ack = Frame.seal(controlOut, FrameType.ACK, 0, 1, new byte[8]);
    assertThrows(ProtocolException.class, () -> ack.open(controlIn));
    assertThrows(ProtocolException.class, () -> ack.open(clientToServer));
  }

  @Test
  void theNonceIsTheSequenceNumberBigEndian() {
    assertArrayEquals(new byte[12], SequenceAead.nonce(0));
    assertArrayEquals(
        new byte[] {0, 0, 0, 0, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08},
        SequenceAead.nonce(0x0102030405060708L));
    assertFalse(Arrays.equals(SequenceAead.nonce(1), SequenceAead.nonce(1L << 32)));
  }

  private static void assertAllDistinct(byte[]... keys) {
    List<String> seen = new ArrayList<>();
    for (byte[] key : keys) {
      String hex = HEX.formatHex(key);
      assertFalse(seen.contains(hex), "key " + seen.size() + " repeats an earlier one");
      seen.add(hex);
    }
  }

  private byte[] bytes(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }
}
