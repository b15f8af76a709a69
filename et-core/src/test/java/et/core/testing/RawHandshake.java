package et.core.testing;

import et.core.SessionId;
import et.core.crypto.Direction;
import et.core.crypto.KeySchedule;
import et.core.crypto.SequenceAead;
import et.core.resume.Handshake;
import et.core.wire.Frame;
import et.core.wire.FrameHeader;
import et.core.wire.FrameType;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client's handshake frames built by hand from the wire classes, so a test can send them
 * whole, late, tampered with or out of order. Mirrors {@link Handshake#client}.
 */
public final class RawHandshake {
  private RawHandshake() {}

  /** A fresh client nonce. */
  public static byte[] nonce(Random random) {
    byte[] nonce = new byte[KeySchedule.NONCE_BYTES];
    random.nextBytes(nonce);
    return nonce;
  }

  /** HELLO for {@code id} at {@code version}, as bytes on the wire. */
  public static byte[] hello(int version, SessionId id, byte[] clientNonce) {
    byte[] body =
        ByteBuffer.allocate(FrameType.HELLO.minBody)
            .put((byte) version)
            .put(id.bytes())
            .put(clientNonce)
            .array();
    return Frame.plain(FrameType.HELLO, body).wire();
  }

  /** HELLO at the protocol's version. */
  public static byte[] hello(SessionId id, byte[] clientNonce) {
    return hello(Handshake.VERSION, id, clientNonce);
  }

  /**
   * PROOF of {@code secret} against this connection's nonces, stating {@code received}, from a
   * fresh client instance.
   */
  public static byte[] proof(byte[] secret, byte[] clientNonce, byte[] serverNonce, long received) {
    SequenceAead clientToServer =
        new SequenceAead(
            KeySchedule.connectionKey(secret, clientNonce, serverNonce, Direction.CLIENT_TO_SERVER));
    byte[] instance = new byte[Handshake.CLIENT_INSTANCE_BYTES];
    ThreadLocalRandom.current().nextBytes(instance);
    byte[] payload = ByteBuffer.allocate(8 + instance.length).putLong(received).put(instance).array();
    return Frame.seal(clientToServer, FrameType.PROOF, 0, 0, payload).wire();
  }

  /** The key the server seals RESUME with on this connection. */
  public static SequenceAead serverToClient(byte[] secret, byte[] clientNonce, byte[] serverNonce) {
    return new SequenceAead(
        KeySchedule.connectionKey(secret, clientNonce, serverNonce, Direction.SERVER_TO_CLIENT));
  }

  /** A bare 17-byte header: {@code typeCode | channel 0 | sequence 0 | length}. */
  public static byte[] header(int typeCode, int length) {
    return ByteBuffer.allocate(FrameHeader.BYTES)
        .put((byte) typeCode)
        .putInt(0)
        .putLong(0)
        .putInt(length)
        .array();
  }
}
