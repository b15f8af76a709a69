package et.core.relay;

import et.core.SessionCredentials;
import et.core.SessionId;
import et.core.crypto.KeySchedule;
import et.core.crypto.RelayProof;
import et.core.wire.Frame;
import et.core.wire.FrameReader;
import et.core.wire.FrameType;
import et.core.wire.FrameWriter;
import et.core.wire.ProtocolException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

/**
 * A relay's own handshake (docs/PROTOCOL.md, "Relays"), before the bytes it splices:
 *
 * <pre>
 * client → RELAY_HELLO(version, grant id, client nonce)
 * relay  → CHALLENGE(relay nonce)                 or REFUSE(no such session): unknown grant
 * client → RELAY_CONNECT(tag, port, host)         tag = HMAC under the relay key over id, port, host
 * relay  → RELAY_ANSWER(code, tag, text)          tag = HMAC under the relay key over the code
 * </pre>
 *
 * The relay key comes from the grant's secret and both fresh nonces, so nothing on the wire
 * reveals the secret and no recorded message is good on another connection. A wrong tag gets no
 * answer: the relay closes, as for garbage. This class holds only the grant's credentials: the
 * session behind the relay, its secret and keys, are never within its reach.
 */
public final class RelayHandshake {
  private static final SecureRandom RANDOM = new SecureRandom();

  private RelayHandshake() {}

  /**
   * The client's side, over {@code channel}: asks the relay that made {@code grant} to connect to
   * {@code host}:{@code port} and returns once it has; afterwards {@code channel} carries the
   * destination's bytes.
   *
   * @throws RelayRefusedException when the relay does not know the grant or refuses the destination
   */
  public static void client(ByteChannel channel, SessionCredentials grant, String host, int port) throws IOException {
    byte[] hostBytes = host.getBytes(StandardCharsets.UTF_8);
    if (hostBytes.length == 0 || hostBytes.length > FrameType.MAX_HOST_BYTES || port < 1 || port > 65535) {
      throw new IllegalArgumentException("not a relay destination: " + host + ":" + port);
    }
    byte[] clientNonce = nonce();
    FrameReader reader = new FrameReader(channel);
    FrameWriter.write(channel, Frame.plain(FrameType.RELAY_HELLO, ByteBuffer.allocate(FrameType.RELAY_HELLO.minBody)
        .put((byte) KeySchedule.VERSION).put(grant.id().bytes()).put(clientNonce).array()));
    Frame challenge = reader.read();
    if (challenge.type() == FrameType.REFUSE) {
      throw new RelayRefusedException(Optional.empty(), "the relay does not know our grant (its host restarted?)");
    }
    expect(challenge, FrameType.CHALLENGE);
    byte[] relayKey = KeySchedule.relayKey(grant.secret(), clientNonce, challenge.body());
    byte[] tag = RelayProof.request(relayKey, grant.id().bytes(), host, port);
    FrameWriter.write(channel, Frame.plain(FrameType.RELAY_CONNECT,
        ByteBuffer.allocate(RelayProof.BYTES + 2 + hostBytes.length).put(tag).putShort((short) port).put(hostBytes).array()));
    Frame answer = reader.read();
    expect(answer, FrameType.RELAY_ANSWER);
    ByteBuffer body = ByteBuffer.wrap(answer.body());
    int code = body.get() & 0xff;
    byte[] answerTag = new byte[RelayProof.BYTES];
    body.get(answerTag);
    if (!RelayProof.matches(answerTag, RelayProof.answer(relayKey, code))) {
      throw new ProtocolException("the relay failed to prove the grant");
    }
    RelayAnswer known = RelayAnswer.ofCode(code);
    if (known == null) {
      throw new ProtocolException("relay answer with unknown code " + code);
    }
    if (known != RelayAnswer.CONNECTED) {
      String text = new String(answer.body(), 1 + RelayProof.BYTES, body.remaining(), StandardCharsets.UTF_8);
      throw new RelayRefusedException(Optional.of(known), known.meaning + (text.isEmpty() ? "" : ": " + text));
    }
  }

  /** What a relay learns from RELAY_HELLO. */
  record Hello(SessionId grantId, byte[] clientNonce) {}

  /** A client's request, its tag not yet checked. */
  record Request(byte[] tag, String host, int port) {}

  static Hello hello(Frame frame) throws ProtocolException {
    ByteBuffer body = ByteBuffer.wrap(frame.body());
    int version = body.get() & 0xff;
    if (version != KeySchedule.VERSION) {
      throw new ProtocolException("relay client speaks protocol version " + version);
    }
    byte[] id = new byte[SessionId.BYTES];
    byte[] clientNonce = new byte[KeySchedule.NONCE_BYTES];
    body.get(id).get(clientNonce);
    return new Hello(SessionId.of(id), clientNonce);
  }

  /** Sends the challenge; returns the relay nonce. */
  static byte[] challenge(ByteChannel channel) throws IOException {
    byte[] relayNonce = nonce();
    FrameWriter.write(channel, Frame.plain(FrameType.CHALLENGE, relayNonce));
    return relayNonce;
  }

  /** Reads RELAY_CONNECT; a host that is not clean UTF-8 text or a port 0 is garbage. */
  static Request request(FrameReader reader) throws IOException {
    Frame frame = reader.read();
    expect(frame, FrameType.RELAY_CONNECT);
    ByteBuffer body = ByteBuffer.wrap(frame.body());
    byte[] tag = new byte[RelayProof.BYTES];
    body.get(tag);
    int port = body.getShort() & 0xffff;
    String host;
    try {
      host = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(body).toString();
    } catch (CharacterCodingException e) {
      throw new ProtocolException("relay destination is not UTF-8");
    }
    if (port == 0 || host.chars().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))) {
      throw new ProtocolException("not a relay destination: port " + port + ", host of " + host.length() + " characters");
    }
    return new Request(tag, host, port);
  }

  /** Sends an answer tagged under {@code relayKey}. */
  static void answer(ByteChannel channel, byte[] relayKey, RelayAnswer answer, String text) throws IOException {
    byte[] textBytes = text.getBytes(StandardCharsets.UTF_8);
    textBytes = Arrays.copyOf(textBytes, Math.min(textBytes.length, FrameType.MAX_REASON_BYTES));
    FrameWriter.write(channel, Frame.plain(FrameType.RELAY_ANSWER, ByteBuffer.allocate(1 + RelayProof.BYTES + textBytes.length)
        .put((byte) answer.code).put(RelayProof.answer(relayKey, answer.code)).put(textBytes).array()));
  }

  private static void expect(Frame frame, FrameType wanted) throws ProtocolException {
    if (frame.type() != wanted) {
      throw new ProtocolException("expected " + wanted + ", got " + frame.type());
    }
  }

  private static byte[] nonce() {
    byte[] nonce = new byte[KeySchedule.NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    return nonce;
  }
}
