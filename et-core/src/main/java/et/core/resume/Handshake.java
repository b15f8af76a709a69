package et.core.resume;

import et.core.crypto.Direction;
import et.core.crypto.KeySchedule;
import et.core.crypto.RefusalProof;
import et.core.crypto.SequenceAead;
import et.core.wire.Frame;
import et.core.wire.FrameReader;
import et.core.wire.FrameType;
import et.core.wire.FrameWriter;
import et.core.wire.ProtocolException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The four-message handshake that authenticates a connection to a session and states where each
 * side resumes (see docs/PROTOCOL.md):
 *
 * <pre>
 * client → HELLO(version, session id, client nonce)
 * server → CHALLENGE(server nonce)            or REFUSE(code, proof, text)
 * client → PROOF(sealed: frames received,     proves the secret against the fresh server nonce
 *                client instance)
 * server → RESUME(sealed: frames received)    proves the secret back; sent by the session itself
 * </pre>
 *
 * A recorded PROOF is useless later: it is sealed under a key salted with that connection's server
 * nonce. The client instance binds the session to one client stream: a second client holding the
 * same credentials would seal its frames from sequence 0 under the same stream key, reusing nonces,
 * so the server refuses it. A REFUSE is cleartext; its proof tells the client whether the server
 * knows the session ({@link RefusalProof}). Both sides run under a deadline set by the caller.
 */
public final class Handshake {
  public static final int VERSION = KeySchedule.VERSION;
  public static final int SESSION_ID_BYTES = 16;
  /** A client stream's random name, bound to its session by the first PROOF the server accepts. */
  public static final int CLIENT_INSTANCE_BYTES = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Handshake() {}

  /** The client's side: returns an authenticated connection or throws RefusedException. */
  public static Connection client(
      ByteChannel socket, byte[] sessionId, byte[] secret, byte[] clientInstance, long received, String name)
      throws IOException {
    byte[] clientNonce = randomNonce();
    FrameReader reader = new FrameReader(socket);
    byte[] hello =
        ByteBuffer.allocate(FrameType.HELLO.minBody)
            .put((byte) VERSION)
            .put(sessionId)
            .put(clientNonce)
            .array();
    FrameWriter.write(socket, Frame.plain(FrameType.HELLO, hello));

    Frame challenge = readAnswer(reader, FrameType.CHALLENGE, secret, sessionId, clientNonce);
    byte[] serverNonce = challenge.body();
    SequenceAead sendAead =
        new SequenceAead(
            KeySchedule.connectionKey(secret, clientNonce, serverNonce, Direction.CLIENT_TO_SERVER));
    SequenceAead receiveAead =
        new SequenceAead(
            KeySchedule.connectionKey(secret, clientNonce, serverNonce, Direction.SERVER_TO_CLIENT));
    byte[] proof = ByteBuffer.allocate(8 + CLIENT_INSTANCE_BYTES).putLong(received).put(clientInstance).array();
    FrameWriter.write(socket, Frame.seal(sendAead, FrameType.PROOF, 0, 0, proof));

    Frame resume = readAnswer(reader, FrameType.RESUME, secret, sessionId, clientNonce);
    String failure = "server failed to prove the secret";
    long serverReceived = count(ByteBuffer.wrap(openHandshake(resume, receiveAead, failure)).getLong(), failure);
    return new Connection(socket, reader, sendAead, receiveAead, serverReceived, name);
  }

  /** What a server learns from HELLO; the caller looks the session up and answers. */
  public record Hello(byte[] sessionId, byte[] clientNonce) {}

  /** Reads the client's HELLO; an unsupported version is refused here. */
  public static Hello readHello(SocketChannel socket, FrameReader reader) throws IOException {
    return hello(socket, reader.read());
  }

  /** The HELLO {@code frame} carries, read already; an unsupported version is refused here. */
  public static Hello hello(SocketChannel socket, Frame frame) throws IOException {
    if (frame.type() != FrameType.HELLO) {
      throw new ProtocolException("expected HELLO, got " + frame.type());
    }
    ByteBuffer body = ByteBuffer.wrap(frame.body());
    int version = body.get() & 0xff;
    if (version != VERSION) {
      refuse(socket, Refusal.UNSUPPORTED_VERSION, RefusalProof.none());
      throw new ProtocolException("client speaks protocol version " + version);
    }
    byte[] sessionId = new byte[SESSION_ID_BYTES];
    byte[] clientNonce = new byte[KeySchedule.NONCE_BYTES];
    body.get(sessionId).get(clientNonce);
    return new Hello(sessionId, clientNonce);
  }

  /**
   * Sends a refusal with {@code proof} ({@link RefusalProof#of} where the server knows the
   * session, {@link RefusalProof#none} where it does not); the caller then closes the socket.
   */
  public static void refuse(SocketChannel socket, Refusal refusal, byte[] proof) throws IOException {
    byte[] text = refusal.text.getBytes(StandardCharsets.UTF_8);
    byte[] body =
        ByteBuffer.allocate(1 + RefusalProof.BYTES + text.length)
            .put((byte) refusal.code)
            .put(proof)
            .put(text)
            .array();
    FrameWriter.write(socket, Frame.plain(FrameType.REFUSE, body));
  }

  /**
   * The server's side after a session was found: challenges, checks the proof, and returns a
   * connection that is authenticated but not yet answered (the session sends RESUME).
   */
  public static PendingConnection challenge(
      SocketChannel socket, FrameReader reader, Hello hello, byte[] secret, String name)
      throws IOException {
    byte[] serverNonce = randomNonce();
    FrameWriter.write(socket, Frame.plain(FrameType.CHALLENGE, serverNonce));
    SequenceAead receiveAead =
        new SequenceAead(
            KeySchedule.connectionKey(
                secret, hello.clientNonce(), serverNonce, Direction.CLIENT_TO_SERVER));
    SequenceAead sendAead =
        new SequenceAead(
            KeySchedule.connectionKey(
                secret, hello.clientNonce(), serverNonce, Direction.SERVER_TO_CLIENT));
    Frame proof = reader.read();
    if (proof.type() != FrameType.PROOF) {
      throw new ProtocolException("expected PROOF, got " + proof.type());
    }
    ByteBuffer proven = ByteBuffer.wrap(openHandshake(proof, receiveAead, "client failed to prove the secret"));
    long clientReceived = count(proven.getLong(), "client failed to prove the secret");
    byte[] clientInstance = new byte[CLIENT_INSTANCE_BYTES];
    proven.get(clientInstance);
    return new PendingConnection(
        socket, reader, sendAead, receiveAead, clientReceived, clientInstance, name);
  }

  /** An authenticated connection that the session has yet to answer with RESUME. */
  public record PendingConnection(
      SocketChannel socket,
      FrameReader reader,
      SequenceAead sendAead,
      SequenceAead receiveAead,
      long clientReceived,
      byte[] clientInstance,
      String name) {

    /** Sends RESUME with the server's count and returns the live connection. */
    Connection resume(long serverReceived) throws IOException {
      FrameWriter.write(socket, Frame.seal(sendAead, FrameType.RESUME, 0, 0, long8(serverReceived)));
      return new Connection(socket, reader, sendAead, receiveAead, clientReceived, name);
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // nothing to tell: the connection was not in use
      }
    }
  }

  /** The next frame, which must be {@code wanted}; a REFUSE is thrown, its proof checked against the secret. */
  private static Frame readAnswer(
      FrameReader reader, FrameType wanted, byte[] secret, byte[] sessionId, byte[] clientNonce) throws IOException {
    Frame frame = reader.read();
    if (frame.type() == FrameType.REFUSE) {
      int code = frame.body()[0] & 0xff;
      Refusal refusal = Refusal.ofCode(code);
      if (refusal == null) {
        throw new ProtocolException("refusal with unknown code " + code);
      }
      byte[] proof = Arrays.copyOfRange(frame.body(), 1, 1 + RefusalProof.BYTES);
      byte[] refusalKey = KeySchedule.refusalKey(secret, sessionId);
      throw new RefusedException(refusal, RefusalProof.verifies(proof, refusalKey, code, clientNonce));
    }
    if (frame.type() != wanted) {
      throw new ProtocolException("expected " + wanted + ", got " + frame.type());
    }
    return frame;
  }

  private static byte[] openHandshake(Frame frame, SequenceAead aead, String failure)
      throws ProtocolException {
    if (frame.header().sequence() != 0 || frame.header().channel() != 0) {
      throw new ProtocolException(failure + ": " + frame.type() + " not numbered 0");
    }
    try {
      return frame.open(aead);
    } catch (ProtocolException e) {
      throw new ProtocolException(failure);
    }
  }

  private static long count(long count, String failure) throws ProtocolException {
    if (count < 0) {
      throw new ProtocolException(failure + ": negative count " + count);
    }
    return count;
  }

  private static byte[] long8(long value) {
    return ByteBuffer.allocate(8).putLong(value).array();
  }

  private static byte[] randomNonce() {
    byte[] nonce = new byte[KeySchedule.NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    return nonce;
  }
}
