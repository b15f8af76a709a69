package et.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import et.core.crypto.Direction;
import et.core.crypto.KeySchedule;
import et.core.crypto.RefusalProof;
import et.core.crypto.SequenceAead;
import et.core.resume.Connection;
import et.core.resume.Handshake;
import et.core.resume.Refusal;
import et.core.wire.Frame;
import et.core.wire.FrameHeader;
import et.core.wire.FrameReader;
import et.core.wire.FrameType;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/PROTOCOL.md and the code in agreement: the worked example's bytes are recomputed with
 * the code, and the document's tables (frame types, refusals, header layout, key derivation,
 * constants, defaults) are compared with the classes that define them. A change on either side
 * fails here until the other follows.
 */
class ProtocolDocumentTest {
  private static final Duration IO_TIMEOUT = Duration.ofSeconds(10);
  /** Every named hex block must be checked by some test below. */
  private static final Set<String> CHECKED_BLOCKS =
      Set.of(
          "secret",
          "session-id",
          "client-nonce",
          "server-nonce",
          "stream-key-c2s",
          "channel-data-frame",
          "hello-frame",
          "challenge-frame",
          "connection-key-c2s",
          "proof-frame",
          "refusal-key",
          "refuse-frame");

  private static ProtocolDocument doc;
  private static byte[] secret;
  private static byte[] sessionId;
  private static byte[] clientNonce;
  private static byte[] serverNonce;

  @BeforeAll
  static void readDocument() {
    doc = ProtocolDocument.load();
    secret = doc.hex("secret");
    sessionId = doc.hex("session-id");
    clientNonce = doc.hex("client-nonce");
    serverNonce = doc.hex("server-nonce");
    assertEquals(KeySchedule.SECRET_BYTES, secret.length, "secret");
    assertEquals(Handshake.SESSION_ID_BYTES, sessionId.length, "session id");
    assertEquals(KeySchedule.NONCE_BYTES, clientNonce.length, "client nonce");
    assertEquals(KeySchedule.NONCE_BYTES, serverNonce.length, "server nonce");
  }

  @Test
  void everyExampleBlockIsChecked() {
    assertEquals(CHECKED_BLOCKS, doc.hexBlocks().keySet());
  }

  @Test
  void streamKeyIsWhatKeyScheduleDerives() {
    assertArrayEquals(
        KeySchedule.streamKey(secret, sessionId, Direction.CLIENT_TO_SERVER),
        doc.hex("stream-key-c2s"));
  }

  @Test
  void sealedChannelDataDecodesOpensAndResealsToTheSameBytes() throws Exception {
    byte[] wire = doc.hex("channel-data-frame");
    SequenceAead aead = new SequenceAead(doc.hex("stream-key-c2s"));

    FrameHeader header = FrameHeader.decode(Arrays.copyOf(wire, FrameHeader.BYTES));
    assertEquals(new FrameHeader(FrameType.CHANNEL_DATA, 1, 0, 2 + SequenceAead.TAG_BYTES), header);
    assertEquals(FrameHeader.BYTES + header.length(), wire.length);

    Frame frame = new FrameReader(Channels.newChannel(new ByteArrayInputStream(wire))).read();
    assertEquals(header, frame.header());
    assertEquals("hi", new String(frame.open(aead), StandardCharsets.US_ASCII));

    Frame resealed = Frame.seal(aead, FrameType.CHANNEL_DATA, 1, 0, "hi".getBytes(StandardCharsets.US_ASCII));
    assertArrayEquals(wire, resealed.wire());
  }

  @Test
  void helloAndChallengeAreWhatTheFrameCodeBuildsAndTheServerReads() throws Exception {
    byte[] hello = doc.hex("hello-frame");
    Frame parsed = new FrameReader(Channels.newChannel(new ByteArrayInputStream(hello))).read();
    assertEquals(new FrameHeader(FrameType.HELLO, 0, 0, 49), parsed.header());
    assertArrayEquals(hello, Frame.plain(FrameType.HELLO, parsed.body()).wire());
    assertEquals(Handshake.VERSION, parsed.body()[0]);

    // The server's own parser must find the documented id and nonce in the documented bytes.
    Handshake.Hello read = Handshake.readHello(null, new FrameReader(Channels.newChannel(new ByteArrayInputStream(hello))));
    assertArrayEquals(sessionId, read.sessionId());
    assertArrayEquals(clientNonce, read.clientNonce());

    assertArrayEquals(doc.hex("challenge-frame"), Frame.plain(FrameType.CHALLENGE, serverNonce).wire());
  }

  @Test
  void connectionKeyAndProofAreWhatTheCodeDerivesAndSeals() throws Exception {
    byte[] key = KeySchedule.connectionKey(secret, clientNonce, serverNonce, Direction.CLIENT_TO_SERVER);
    assertArrayEquals(key, doc.hex("connection-key-c2s"));

    byte[] proof = doc.hex("proof-frame");
    SequenceAead aead = new SequenceAead(key);
    byte[] instance = new byte[Handshake.CLIENT_INSTANCE_BYTES];
    Arrays.fill(instance, (byte) 0x33);
    byte[] payload = ByteBuffer.allocate(8 + instance.length).putLong(0).put(instance).array();
    assertArrayEquals(proof, Frame.seal(aead, FrameType.PROOF, 0, 0, payload).wire());
    Frame frame = new FrameReader(Channels.newChannel(new ByteArrayInputStream(proof))).read();
    assertEquals(
        new FrameHeader(FrameType.PROOF, 0, 0, 8 + instance.length + SequenceAead.TAG_BYTES),
        frame.header());
    assertArrayEquals(payload, frame.open(aead));
  }

  @Test
  void refusalKeyAndVouchedRefuseAreWhatTheCodeDerivesAndSends() throws Exception {
    byte[] key = KeySchedule.refusalKey(secret, sessionId);
    assertArrayEquals(key, doc.hex("refusal-key"));

    byte[] refuse = doc.hex("refuse-frame");
    Frame frame = new FrameReader(Channels.newChannel(new ByteArrayInputStream(refuse))).read();
    assertEquals(FrameType.REFUSE, frame.type());
    byte[] proof = Arrays.copyOfRange(frame.body(), 1, 1 + RefusalProof.BYTES);
    assertArrayEquals(RefusalProof.of(key, Refusal.NO_SESSION.code, clientNonce), proof);
    assertTrue(RefusalProof.verifies(proof, key, frame.body()[0], clientNonce), "the client accepts it as vouched");
    byte[] body = ByteBuffer.allocate(frame.body().length)
        .put((byte) Refusal.NO_SESSION.code).put(proof).put(Refusal.NO_SESSION.text.getBytes(StandardCharsets.UTF_8)).array();
    assertArrayEquals(refuse, Frame.plain(FrameType.REFUSE, body).wire(), "code · proof · text");
  }

  /**
   * Plays the server against the real client handshake: its HELLO must be the documented frame
   * apart from the random nonce, it must accept the documented CHALLENGE bytes, and its PROOF must
   * be sealed as section 4 says.
   */
  @Test
  void theClientHandshakeSpeaksTheDocumentedBytes() throws Exception {
    long clientReceived = 5;
    byte[] instance = new byte[Handshake.CLIENT_INSTANCE_BYTES];
    Arrays.fill(instance, (byte) 0x44);
    byte[] documentedHello = doc.hex("hello-frame");
    int nonceOffset = documentedHello.length - KeySchedule.NONCE_BYTES;
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        var executor = Executors.newVirtualThreadPerTaskExecutor();
        SocketChannel clientSocket = SocketChannel.open()) {
      clientSocket.connect(new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort()));
      Future<Connection> client =
          executor.submit(
              () -> Handshake.client(clientSocket, sessionId, secret, instance, clientReceived, "test client"));
      listener.setSoTimeout(timeoutMillis());
      try (Socket server = listener.accept()) {
        server.setSoTimeout(timeoutMillis());
        FrameReader reader = new FrameReader(Channels.newChannel(server.getInputStream()));

        Frame hello = reader.read();
        assertEquals(documentedHello.length, hello.wire().length);
        assertArrayEquals(
            Arrays.copyOf(documentedHello, nonceOffset), Arrays.copyOf(hello.wire(), nonceOffset),
            "HELLO up to the client nonce");
        byte[] liveClientNonce = Arrays.copyOfRange(hello.wire(), nonceOffset, hello.wire().length);

        server.getOutputStream().write(doc.hex("challenge-frame"));

        Frame proof = reader.read();
        assertEquals(
            new FrameHeader(FrameType.PROOF, 0, 0, 8 + instance.length + SequenceAead.TAG_BYTES),
            proof.header());
        SequenceAead fromClient =
            new SequenceAead(
                KeySchedule.connectionKey(secret, liveClientNonce, serverNonce, Direction.CLIENT_TO_SERVER));
        ByteBuffer proven = ByteBuffer.wrap(proof.open(fromClient));
        assertEquals(clientReceived, proven.getLong());
        byte[] provenInstance = new byte[instance.length];
        proven.get(provenInstance);
        assertArrayEquals(instance, provenInstance);

        SequenceAead toClient =
            new SequenceAead(
                KeySchedule.connectionKey(secret, liveClientNonce, serverNonce, Direction.SERVER_TO_CLIENT));
        byte[] count = ByteBuffer.allocate(8).putLong(3).array();
        server.getOutputStream().write(Frame.seal(toClient, FrameType.RESUME, 0, 0, count).wire());

        try (Connection accepted = client.get(IO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          assertNotNull(accepted, "the client accepted the documented RESUME");
        }
      }
    }
  }

  @Test
  void frameTypeTableMatchesFrameType() {
    List<List<String>> rows = doc.table("Code", "Type", "Kind", "Min body", "Max body", "Payload");
    Map<FrameType, List<String>> byType = new HashMap<>();
    for (List<String> row : rows) {
      FrameType type = FrameType.valueOf(row.get(1));
      assertTrue(byType.put(type, row) == null, "listed twice: " + type);
      assertEquals(type.code, Integer.decode(row.get(0)), type + " code");
      assertEquals(type.kind.name().toLowerCase(), row.get(2), type + " kind");
      assertEquals(type.minBody, Integer.parseInt(row.get(3)), type + " min body");
      assertEquals(type.maxBody, Integer.parseInt(row.get(4)), type + " max body");
    }
    assertEquals(Set.of(FrameType.values()), byType.keySet(), "every frame type is in the table");
  }

  @Test
  void refusalTableMatchesRefusal() {
    List<List<String>> rows = doc.table("Code", "Refusal", "Text");
    for (List<String> row : rows) {
      Refusal refusal = Refusal.valueOf(row.get(1));
      assertEquals(refusal.code, Integer.parseInt(row.get(0)), refusal + " code");
      assertEquals(refusal.text, row.get(2), refusal + " text");
    }
    assertEquals(
        Set.of(Refusal.values()),
        rows.stream().map(row -> Refusal.valueOf(row.get(1))).collect(Collectors.toSet()));
    assertEquals(Refusal.values().length, rows.size(), "each refusal once");
  }

  @Test
  void headerTableGivesTheOffsetsTheEncoderWrites() {
    FrameHeader header = new FrameHeader(FrameType.CHANNEL_WINDOW, 0x0102_0304, 0x1112_1314_1516_1718L, 20);
    Map<String, Long> values =
        Map.of("type", (long) header.type().code, "channel", 0x0102_0304L, "seq", header.sequence(), "length", 20L);
    byte[] encoded = header.encode();
    List<List<String>> rows = doc.table("Offset", "Size", "Field", "Meaning");
    assertEquals(List.of("type", "channel", "seq", "length"), rows.stream().map(row -> row.get(2)).toList());
    int offset = 0;
    for (List<String> row : rows) {
      assertEquals(offset, Integer.parseInt(row.get(0)), row.get(2) + " offset");
      int size = Integer.parseInt(row.get(1));
      long value = 0;
      for (int i = 0; i < size; i++) {
        value = value << 8 | encoded[offset + i] & 0xff;
      }
      assertEquals(values.get(row.get(2)), value, row.get(2) + " read at its documented offset");
      offset += size;
    }
    assertEquals(FrameHeader.BYTES, offset, "header size");
  }

  /** Recomputes every key of the derivation table with an HKDF written here, from the table's words. */
  @Test
  void keyTableDescribesTheDerivationExactly() throws Exception {
    List<List<String>> rows = doc.table("Key", "ikm", "salt", "info (ASCII, no terminator)");
    Pattern info = Pattern.compile("^([^`]+)` \\((\\d+) bytes\\)$");
    byte[] bothNonces = ByteBuffer.allocate(64).put(clientNonce).put(serverNonce).array();
    Map<String, byte[]> fromCode =
        Map.of(
            "stream key, client to server", KeySchedule.streamKey(secret, sessionId, Direction.CLIENT_TO_SERVER),
            "stream key, server to client", KeySchedule.streamKey(secret, sessionId, Direction.SERVER_TO_CLIENT),
            "connection key, client to server",
                KeySchedule.connectionKey(secret, clientNonce, serverNonce, Direction.CLIENT_TO_SERVER),
            "connection key, server to client",
                KeySchedule.connectionKey(secret, clientNonce, serverNonce, Direction.SERVER_TO_CLIENT),
            "refusal key", KeySchedule.refusalKey(secret, sessionId),
            "relay key", KeySchedule.relayKey(secret, clientNonce, serverNonce));
    Map<String, byte[]> salts = Map.of("session id (16 bytes)", sessionId, "client nonce ‖ server nonce (64 bytes)", bothNonces);
    assertEquals(fromCode.keySet(), rows.stream().map(row -> row.get(0)).collect(Collectors.toSet()));
    for (List<String> row : rows) {
      assertEquals("secret", row.get(1));
      byte[] salt = salts.get(row.get(2));
      assertNotNull(salt, "unknown salt " + row.get(2));
      // The cell is `text` (n bytes); the table parser has removed the leading backtick only.
      Matcher m = info.matcher(row.get(3).startsWith("`") ? row.get(3).substring(1) : row.get(3));
      assertTrue(m.matches(), "info cell " + row.get(3));
      byte[] infoBytes = m.group(1).getBytes(StandardCharsets.US_ASCII);
      assertEquals(Integer.parseInt(m.group(2)), infoBytes.length, "stated length of " + m.group(1));
      assertArrayEquals(fromCode.get(row.get(0)), hkdfSha256(secret, salt, infoBytes, 32), row.get(0));
    }
  }

  @Test
  void constantsTableMatchesTheCode() throws Exception {
    for (List<String> row : doc.table("Constant", "Value")) {
      String name = row.get(0);
      int dot = name.lastIndexOf('.');
      Field field = Class.forName(name.substring(0, dot)).getDeclaredField(name.substring(dot + 1));
      field.setAccessible(true);
      assertEquals(parseValue(row.get(1)), normalise(field.get(null)), name);
    }
  }

  @Test
  void defaultsTableMatchesSessionOptions() throws Exception {
    SessionOptions defaults = SessionOptions.defaults();
    List<List<String>> rows = doc.table("Option", "Default");
    Map<String, RecordComponent> components =
        Arrays.stream(SessionOptions.class.getRecordComponents())
            .collect(Collectors.toMap(RecordComponent::getName, c -> c));
    assertEquals(components.keySet(), rows.stream().map(row -> row.get(0)).collect(Collectors.toSet()));
    for (List<String> row : rows) {
      Object value = components.get(row.get(0)).getAccessor().invoke(defaults);
      assertEquals(parseValue(row.get(1)), normalise(value), row.get(0));
    }
  }

  /** "17" is a number, "50 ms", "1 s", "24 h" are durations, "VIRTUAL" an enum constant. */
  private static Object parseValue(String cell) {
    Matcher duration = Pattern.compile("^(\\d+) (ms|s|min|h)$").matcher(cell);
    if (duration.matches()) {
      long amount = Long.parseLong(duration.group(1));
      return switch (duration.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "min" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> throw new IllegalStateException(cell);
      };
    }
    if (cell.matches("^\\d+$")) {
      return Long.parseLong(cell);
    }
    if (cell.matches("^[A-Z_]+$")) {
      return cell; // an enum constant
    }
    return fail("not a number, a duration or a constant: " + cell);
  }

  private static Object normalise(Object value) {
    return switch (value) {
      case Integer i -> i.longValue();
      case Enum<?> e -> e.name();
      default -> value;
    };
  }

  /** RFC 5869 HKDF with HMAC-SHA256, independent of Tink. */
  private static byte[] hkdfSha256(byte[] ikm, byte[] salt, byte[] info, int length) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(salt, "HmacSHA256"));
    byte[] prk = mac.doFinal(ikm);
    mac.init(new SecretKeySpec(prk, "HmacSHA256"));
    byte[] out = new byte[length];
    byte[] block = new byte[0];
    for (int done = 0, counter = 1; done < length; counter++) {
      mac.update(block);
      mac.update(info);
      mac.update((byte) counter);
      block = mac.doFinal();
      int n = Math.min(block.length, length - done);
      System.arraycopy(block, 0, out, done, n);
      done += n;
    }
    return out;
  }

  private static int timeoutMillis() {
    return (int) IO_TIMEOUT.toMillis();
  }
}
