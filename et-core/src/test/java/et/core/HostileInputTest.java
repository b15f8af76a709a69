package et.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.crypto.KeySchedule;
import et.core.crypto.RefusalProof;
import et.core.testing.EchoSession;
import et.core.testing.HeapProbe;
import et.core.testing.HostileSocket;
import et.core.testing.HostileSocket.Closure;
import et.core.testing.LogTail;
import et.core.testing.RawHandshake;
import et.core.testing.RecordingProxy;
import et.core.wire.Frame;
import et.core.wire.FrameHeader;
import et.core.wire.FrameReader;
import et.core.wire.FrameType;
import et.testkit.Await;
import et.testkit.TestSeed;
import java.nio.channels.Channels;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The server survives hostile and broken input. Every test runs one server with a 2 s handshake
 * timeout and one healthy session echoing numbered lines for the whole test ({@link EchoSession});
 * then it attacks the server and checks three things: the attacking connection is closed by the
 * server within a deadline, the healthy session is still CONNECTED, never redialed and lost no
 * line, and the server logged the reason (read back from the tinylog file writer, {@link
 * LogTail}).
 *
 * <p>Randomness is seeded: set {@code -Det.seed=N} to repeat a run.
 */
@Timeout(60)
class HostileInputTest {
  private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);
  /** An attack the server can judge from the bytes at hand must end well before the timeout. */
  private static final Duration ON_SIGHT = Duration.ofMillis(1500);
  /** Slack past the handshake deadline for the server to notice and close. */
  private static final Duration DEADLINE_SLACK = Duration.ofMillis(1500);
  private static final Duration LOG_WAIT = Duration.ofSeconds(2);
  private static final Duration ECHO_WAIT = Duration.ofSeconds(5);
  private static final int ECHO_LINES_AFTER_ATTACK = 20;
  private static final long SEED = TestSeed.forTest("HostileInputTest");

  private final SessionOptions options =
      SessionOptions.defaults().withHandshakeTimeout(HANDSHAKE_TIMEOUT);
  private final Random random = new Random(SEED);
  private InetAddress loopback;
  private EternalServer server;
  private InetSocketAddress address;
  private EchoSession healthy;
  private LogTail log;

  @BeforeAll
  static void printSeed() {
  }

  @BeforeEach
  void startServerAndHealthySession() throws Exception {
    log = LogTail.mark();
    loopback = InetAddress.getByName("127.0.0.1");
    server = EternalServer.start(new InetSocketAddress(loopback, 0), options);
    address = new InetSocketAddress(loopback, server.port());
    healthy = EchoSession.start(server, address, options);
    healthy.assertUndisturbedAndFlowing(ECHO_LINES_AFTER_ATTACK, ECHO_WAIT);
  }

  @AfterEach
  void verifyAndStop() throws Exception {
    try {
      if (healthy != null) {
        healthy.finishAndVerify(ECHO_WAIT);
      }
    } finally {
      if (healthy != null) {
        healthy.close();
      }
      if (server != null) {
        server.close();
      }
    }
  }

  // ---------------------------------------------------------------- authentication

  @Test
  void wrongSecretForALiveSessionIsRefused() throws Exception {
    byte[] wrongSecret = new byte[SessionCredentials.SECRET_BYTES];
    random.nextBytes(wrongSecret);
    SessionCredentials forged = new SessionCredentials(healthy.serverSide().id(), wrongSecret);

    assertThrows(IOException.class, () -> EternalClient.connect(address, forged, options));

    log.awaitLine(LOG_WAIT, "handshake from", "client failed to prove the secret");
    healthy.assertUndisturbedAndFlowing(ECHO_LINES_AFTER_ATTACK, ECHO_WAIT);
  }

  @Test
  void replayedHandshakeOfAConnectedClientIsRefused() throws Exception {
    try (RecordingProxy proxy = RecordingProxy.start(address);
        EchoSession recorded = EchoSession.start(server, proxy.address(), options)) {
      recorded.assertUndisturbedAndFlowing(ECHO_LINES_AFTER_ATTACK, ECHO_WAIT);
      byte[] handshake = helloAndProof(proxy.recorded());

      try (HostileSocket replay = HostileSocket.open(address)) {
        replay.send(handshake);
        // The server answers the replayed HELLO with a fresh nonce, so the old PROOF is worthless.
        assertEquals(FrameType.CHALLENGE, replay.readFrame(ON_SIGHT).type());
        Closure closure = replay.awaitClosedByServer(ON_SIGHT);
        assertEquals(0, closure.bytesBeforeClose(), "no RESUME may follow a replayed PROOF");
        log.awaitLine(LOG_WAIT, "handshake from " + replay.logName(), "client failed to prove the secret");
      }

      recorded.assertUndisturbedAndFlowing(ECHO_LINES_AFTER_ATTACK, ECHO_WAIT);
      assertEquals(1, proxy.connections(), "the recorded client never had to reconnect");
      recorded.finishAndVerify(ECHO_WAIT);
    }
    healthy.assertUndisturbedAndFlowing(ECHO_LINES_AFTER_ATTACK, ECHO_WAIT);
  }

  @Test
  void proofWithOneFlippedCiphertextBitIsRefused() throws Exception {
    // Control: the same hand-built handshake, untampered, is accepted (by a spare session).
    Session spare = server.newSession();
    try (HostileSocket honest = HostileSocket.open(address)) {
      byte[] clientNonce = RawHandshake.nonce(random);
      byte[] secret = spare.credentials().secret();
      honest.send(RawHandshake.hello(spare.id(), clientNonce));
      byte[] serverNonce = expectFrame(honest, FrameType.CHALLENGE).body();
      honest.send(RawHandshake.proof(secret, clientNonce, serverNonce, 0));
      Frame resume = expectFrame(honest, FrameType.RESUME);
      resume.open(RawHandshake.serverToClient(secret, clientNonce, serverNonce)); // authenticates
    }

    try (HostileSocket tamperer = HostileSocket.open(address)) {
      byte[] clientNonce = RawHandshake.nonce(random);
      tamperer.send(RawHandshake.hello(healthy.serverSide().id(), clientNonce));
      byte[] serverNonce = expectFrame(tamperer, FrameType.CHALLENGE).body();
      byte[] proof =
          RawHandshake.proof(healthy.serverSide().credentials().secret(), clientNonce, serverNonce, 0);
      int bit = random.nextInt((proof.length - FrameHeader.BYTES) * 8);
      proof[FrameHeader.BYTES + bit / 8] ^= (byte) (1 << (bit % 8));
      tamperer.send(proof);

      Closure closure = tamperer.awaitClosedByServer(ON_SIGHT);
      assertEquals(0, closure.bytesBeforeClose(), "no RESUME may answer a tampered PROOF");
      log.awaitLine(LOG_WAIT, "handshake from " + tamperer.logName(), "client failed to prove the secret");
    }
    healthy.assertUndisturbedAndFlowing(ECHO_LINES_AFTER_ATTACK, ECHO_WAIT);
  }

  // ---------------------------------------------------------------- refusals

  @Test
  void unknownSessionIsRefusedWithCode1AndNoProof() throws Exception {
    SessionCredentials stranger = SessionCredentials.generate();
    SessionRefusedException refused = assertThrows(
        SessionRefusedException.class, () -> EternalClient.connect(address, stranger, options));
    assertEquals("no such session (unverified)", refused.getMessage());

    try (HostileSocket raw = HostileSocket.open(address)) {
      byte[] clientNonce = RawHandshake.nonce(random);
      raw.send(RawHandshake.hello(stranger.id(), clientNonce));
      byte[] proof = assertRefusal(raw, 1, "no such session");
      assertFalse(vouches(proof, stranger, 1, clientNonce), "the server cannot vouch for a session it never knew");
      raw.awaitClosedByServer(ON_SIGHT);
      log.awaitLine(LOG_WAIT, "refused " + raw.logName(), "for session " + shortId(stranger.id()), "no such session");
    }
    healthy.assertUndisturbedAndFlowing(ECHO_LINES_AFTER_ATTACK, ECHO_WAIT);
  }

  /** Ended and unknown sessions look alike to a stranger: the code and text are the same. */
  @Test
  void endedSessionIsRefusedWithCode1AndTheServersProof() throws Exception {
    Session ending = server.newSession();
    Session client = EternalClient.connect(address, ending.credentials(), options);
    client.close();
    assertTrue(ending.awaitEnd(ECHO_WAIT), "the server side saw the orderly close");

    SessionRefusedException refused = assertThrows(
        SessionRefusedException.class,
        () -> EternalClient.connect(address, ending.credentials(), options));
    assertEquals("the session has ended", refused.getMessage());
    try (HostileSocket raw = HostileSocket.open(address)) {
      byte[] clientNonce = RawHandshake.nonce(random);
      raw.send(RawHandshake.hello(ending.id(), clientNonce));
      byte[] proof = assertRefusal(raw, 1, "no such session");
      assertTrue(vouches(proof, ending.credentials(), 1, clientNonce), "the proof is made with the session's key");
      assertFalse(vouches(proof, ending.credentials(), 1, RawHandshake.nonce(random)), "and for this connection only");
      raw.awaitClosedByServer(ON_SIGHT);
      log.awaitLine(LOG_WAIT, "refused " + raw.logName(), "the session has ended");
    }
    healthy.assertUndisturbedAndFlowing(ECHO_LINES_AFTER_ATTACK, ECHO_WAIT);
  }

  @Test
  void unsupportedVersionIsRefusedWithCode3() throws Exception {
    try (HostileSocket raw = HostileSocket.open(address)) {
      raw.send(RawHandshake.hello(2, healthy.serverSide().id(), RawHandshake.nonce(random)));
      byte[] proof = assertRefusal(raw, 3, "unsupported protocol version");
      assertFalse(vouches(proof, healthy.serverSide().credentials(), 3, new byte[KeySchedule.NONCE_BYTES]));
      raw.awaitClosedByServer(ON_SIGHT);
      log.awaitLine(LOG_WAIT, "handshake from " + raw.logName(), "protocol version 2");
    }
    healthy.assertUndisturbedAndFlowing(ECHO_LINES_AFTER_ATTACK, ECHO_WAIT);
  }

  // ---------------------------------------------------------------- malformed frames

  @Test
  void randomGarbageIsDroppedOnSight() throws Exception {
    for (int round = 0; round < 8; round++) {
      byte[] garbage = new byte[4096];
      random.nextBytes(garbage);
      try (HostileSocket raw = HostileSocket.open(address)) {
        raw.trySend(garbage); // the server may drop us before all of it is written
        raw.awaitClosedByServer(ON_SIGHT);
        if (round < HandshakeLog.LINES_PER_SOURCE) { // then the source's lines are counted, not written
          log.awaitMatch(
              LOG_WAIT,
              "handshake from " + Pattern.quote(raw.logName()) + "failed: .*(unknown frame type|body length)");
        }
      }
    }
    healthy.assertUndisturbedAndFlowing(ECHO_LINES_AFTER_ATTACK, ECHO_WAIT);
  }

  static Stream<Arguments> lengthsOutsideTheCaps() {
    return Stream.of(
        Arguments.of(FrameType.HELLO, 0xFFFF_FFFFL),
        Arguments.of(FrameType.HELLO, 1L << 31),
        Arguments.of(FrameType.HELLO, (long) FrameType.HELLO.maxBody + 1),
        Arguments.of(FrameType.HELLO, (long) FrameType.HELLO.minBody - 1),
        Arguments.of(FrameType.CHANNEL_DATA, (long) FrameType.CHANNEL_DATA.maxBody + 1),
        Arguments.of(FrameType.REFUSE, (long) FrameType.REFUSE.maxBody + 1));
  }

  /** The header alone condemns the frame: the server must not wait for (or allocate) the body. */
  @ParameterizedTest(name = "{0} claiming {1} body bytes")
  @MethodSource("lengthsOutsideTheCaps")
  void headerWithALengthOutsideItsTypesCapIsDroppedOnSight(FrameType type, long length)
      throws Exception {
    try (HostileSocket raw = HostileSocket.open(address)) {
      raw.send(RawHandshake.header(type.code, (int) length));
      Closure closure = raw.awaitClosedByServer(ON_SIGHT);
      assertEquals(0, closure.bytesBeforeClose());
      log.awaitLine(
          LOG_WAIT, "handshake from " + raw.logName(), type + " body length " + length + " outside");
    }
    healthy.assertUndisturbedAndFlowing(ECHO_LINES_AFTER_ATTACK, ECHO_WAIT);
  }

  @Test
  void unknownFrameTypeIsDroppedOnSight() throws Exception {
    try (HostileSocket raw = HostileSocket.open(address)) {
      raw.send(RawHandshake.header(0x7F, 8));
      raw.trySend(new byte[8]);
      raw.awaitClosedByServer(ON_SIGHT);
      log.awaitLine(LOG_WAIT, "handshake from " + raw.logName(), "unknown frame type 0x7f");
    }
    healthy.assertUndisturbedAndFlowing(ECHO_LINES_AFTER_ATTACK, ECHO_WAIT);
  }

  @Test
  void truncatedFrameThenEndOfStreamIsDropped() throws Exception {
    try (HostileSocket raw = HostileSocket.open(address)) {
      raw.send(RawHandshake.header(FrameType.HELLO.code, FrameType.HELLO.maxBody));
      raw.send(new byte[10]);
      raw.shutdownOutput(); // we still read: the server must be the one to close
      raw.awaitClosedByServer(ON_SIGHT);
      log.awaitLine(LOG_WAIT, "handshake from " + raw.logName(), "closed mid-frame");
    }
    healthy.assertUndisturbedAndFlowing(ECHO_LINES_AFTER_ATTACK, ECHO_WAIT);
  }

  @Test
  void truncatedFirstFrameLeftOpenIsEndedByTheFirstFrameDeadline() throws Exception {
    try (HostileSocket raw = HostileSocket.open(address)) {
      raw.send(RawHandshake.header(FrameType.HELLO.code, FrameType.HELLO.maxBody));
      raw.send(new byte[10]);
      Closure closure = raw.awaitClosedByServer(EternalServer.FIRST_FRAME_TIMEOUT.plus(DEADLINE_SLACK));
      assertEndedByTheDeadline(closure);
      assertDeadlineLogged(raw);
    }
    healthy.assertUndisturbedAndFlowing(ECHO_LINES_AFTER_ATTACK, ECHO_WAIT);
  }

  @Test
  void aClientSilentAfterAWholeHelloIsEndedByTheWholeHandshakesDeadline() throws Exception {
    try (HostileSocket raw = HostileSocket.open(address)) {
      raw.send(RawHandshake.hello(healthy.serverSide().id(), RawHandshake.nonce(random)));
      expectFrame(raw, FrameType.CHALLENGE); // and no PROOF ever comes
      Closure closure = raw.awaitClosedByServer(HANDSHAKE_TIMEOUT.plus(DEADLINE_SLACK));
      assertTrue(closure.sinceOpen().compareTo(HANDSHAKE_TIMEOUT.minus(Duration.ofMillis(100))) >= 0,
          "closed after " + closure.sinceOpen().toMillis() + " ms, before the handshake's deadline");
      log.awaitMatch(LOG_WAIT, "handshake from " + Pattern.quote(raw.logName()) + "failed: handshake took longer than");
    }
    healthy.assertUndisturbedAndFlowing(ECHO_LINES_AFTER_ATTACK, ECHO_WAIT);
  }

  @Test
  void handshakeTricklingOneBytePerSecondIsEndedAtTheDeadline() throws Exception {
    byte[] hello = RawHandshake.hello(healthy.serverSide().id(), RawHandshake.nonce(random));
    Duration wholeTrickle = Duration.ofSeconds(hello.length);
    try (HostileSocket raw = HostileSocket.open(address)) {
      Thread trickler =
          Thread.ofVirtual()
              .name("trickler")
              .start(
                  () -> {
                    for (byte b : hello) {
                      // Every single read on the server succeeds within its socket timeout.
                      if (!raw.trySend(new byte[] {b})) {
                        return;
                      }
                      try {
                        Thread.sleep(Duration.ofSeconds(1)); // the attack's pace
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  });
      try {
        Closure closure = raw.awaitClosedByServer(EternalServer.FIRST_FRAME_TIMEOUT.plus(DEADLINE_SLACK));
        assertEndedByTheDeadline(closure);
        assertTrue(
            closure.sinceOpen().multipliedBy(10).compareTo(wholeTrickle) < 0,
            "closed at " + closure.sinceOpen() + ", long before the trickle would end at " + wholeTrickle);
      } finally {
        trickler.interrupt();
        assertTrue(trickler.join(Duration.ofSeconds(2)), "trickler stopped");
      }
      assertDeadlineLogged(raw);
    }
    healthy.assertUndisturbedAndFlowing(ECHO_LINES_AFTER_ATTACK, ECHO_WAIT);
  }

  // ---------------------------------------------------------------- flood

  @Test
  void floodAboveThePendingHandshakeCapLetsANewClientInAndLeavesTheLiveSessionAndTheHeapAlone() throws Exception {
    int flood = 300;
    assertTrue(flood > EternalServer.MAX_PENDING_HANDSHAKES, "the flood must exceed the cap");
    long heapBefore = HeapProbe.usedAfterGc();
    long heapDuring;
    List<HostileSocket> attackers = new ArrayList<>(flood);
    Session fresh = server.newSession();
    try {
      long floodStart = System.nanoTime();
      // Each sends the first bytes of a header and goes silent, holding a pending handshake.
      byte[] partialHeader = Arrays.copyOf(RawHandshake.header(FrameType.HELLO.code, 49), 5);
      for (int i = 0; i < flood; i++) {
        HostileSocket attacker = HostileSocket.open(address);
        attackers.add(attacker);
        attacker.trySend(partialHeader);
      }
      // While they hold every place they can, a new client still gets in: the oldest give way.
      Session freshClient = EternalClient.connect(address, fresh.credentials(), options);
      freshClient.close();
      healthy.assertUndisturbedAndFlowing(ECHO_LINES_AFTER_ATTACK, ECHO_WAIT);
      heapDuring = HeapProbe.usedAfterGc();

      Duration allClosedWithin = EternalServer.FIRST_FRAME_TIMEOUT.plus(DEADLINE_SLACK).plus(Duration.ofSeconds(1));
      for (HostileSocket attacker : attackers) {
        Duration left = allClosedWithin.minus(Duration.ofNanos(System.nanoTime() - floodStart));
        attacker.awaitClosedByServer(left.isNegative() ? Duration.ofMillis(1) : left);
      }
    } finally {
      attackers.forEach(HostileSocket::close);
    }
    long displaced = log.linesWith("closed to admit newer handshakes").size();
    System.out.printf(
        "flood of %d: %d displaced by newer ones; heap before %d KiB, during %d KiB%n",
        flood, displaced, heapBefore >> 10, heapDuring >> 10);
    healthy.assertUndisturbedAndFlowing(ECHO_LINES_AFTER_ATTACK, ECHO_WAIT);

    long heapAfter = HeapProbe.usedAfterGc();
    System.out.printf("heap after the flood %d KiB%n", heapAfter >> 10);
    assertTrue(
        heapDuring - heapBefore < 16L << 20,
        "256 pending handshakes held " + ((heapDuring - heapBefore) >> 10) + " KiB of heap");
    assertTrue(
        heapAfter - heapBefore < 6L << 20,
        "the heap grew by " + ((heapAfter - heapBefore) >> 10) + " KiB after the flood");
    healthy.assertUndisturbedAndFlowing(ECHO_LINES_AFTER_ATTACK, ECHO_WAIT);
  }

  // ---------------------------------------------------------------- helpers

  /** The first two frames the recorded client sent, checked to be HELLO and PROOF, as raw bytes. */
  private static byte[] helloAndProof(byte[] recorded) throws IOException {
    FrameReader reader = new FrameReader(Channels.newChannel(new ByteArrayInputStream(recorded)));
    Frame hello = reader.read();
    Frame proof = reader.read();
    assertEquals(FrameType.HELLO, hello.type());
    assertEquals(FrameType.PROOF, proof.type());
    byte[] both = Arrays.copyOf(hello.wire(), hello.size() + proof.size());
    System.arraycopy(proof.wire(), 0, both, hello.size(), proof.size());
    assertArrayEquals(Arrays.copyOf(recorded, both.length), both, "the bytes are replayed verbatim");
    return both;
  }

  private static Frame expectFrame(HostileSocket socket, FrameType type) throws IOException {
    Frame frame = socket.readFrame(ON_SIGHT);
    assertEquals(type, frame.type());
    return frame;
  }

  /** Reads a REFUSE with {@code code} and {@code text}; returns its proof. */
  private static byte[] assertRefusal(HostileSocket socket, int code, String text) throws IOException {
    Frame refuse = expectFrame(socket, FrameType.REFUSE);
    ByteBuffer body = ByteBuffer.wrap(refuse.body());
    assertEquals(code, body.get() & 0xff, "refusal code");
    byte[] proof = new byte[RefusalProof.BYTES];
    body.get(proof);
    assertEquals(text, StandardCharsets.UTF_8.decode(body).toString());
    return proof;
  }

  private static boolean vouches(byte[] proof, SessionCredentials session, int code, byte[] clientNonce) {
    byte[] key = KeySchedule.refusalKey(session.secret(), session.id().bytes());
    return RefusalProof.verifies(proof, key, code, clientNonce);
  }

  /** Closed by the first frame's deadline: not before it (the wait for the closure bounds the after). */
  private static void assertEndedByTheDeadline(Closure closure) {
    Duration earliest = EternalServer.FIRST_FRAME_TIMEOUT.minus(Duration.ofMillis(100));
    assertTrue(
        closure.sinceOpen().compareTo(earliest) >= 0,
        "closed after " + closure.sinceOpen().toMillis() + " ms, before the first frame's deadline");
  }

  /** The server says the handshake ran out of time (not merely that its socket was closed). */
  private void assertDeadlineLogged(HostileSocket raw) {
    log.awaitMatch(
        LOG_WAIT,
        "handshake from " + Pattern.quote(raw.logName()) + "failed: .*(took longer than|timed out)");
  }

  private static String shortId(SessionId id) {
    return id.toString().substring(0, 4);
  }
}
