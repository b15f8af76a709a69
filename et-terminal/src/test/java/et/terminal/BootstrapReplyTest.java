package et.terminal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.SessionCredentials;
import et.core.SessionId;
import et.testkit.TestSeed;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BootstrapReplyTest {
  private static final String NONCE = "00112233445566778899aabbccddeeff";
  private static final String ID = "ffeeddccbbaa99887766554433221100";
  /** A valid 43-character base64url secret. */
  private static final String SECRET = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA";
  private static final String SESSION = "ET1 SESSION nonce=" + NONCE + " id=" + ID + " secret=" + SECRET + " port=40001";
  private static final String ERROR = "ET1 ERROR nonce=" + NONCE + " reason=no%20pty";

  @Test
  void randomRepliesRoundTrip() throws Exception {
    Random random = new Random(TestSeed.forTest("BootstrapReplyTest.randomReplies"));
    for (int i = 0; i < 500; i++) {
      BootstrapReply reply = randomReply(random);
      String line = reply.toLine();
      BootstrapReply parsed = BootstrapReply.parse(line);
      assertEquals(reply, parsed, line);
      assertEquals(line, parsed.toLine());
      if (reply instanceof BootstrapReply.Session session) {
        BootstrapReply.Session got = (BootstrapReply.Session) parsed;
        assertEquals(session.credentials().id(), got.credentials().id());
        assertArrayEquals(session.credentials().secret(), got.credentials().secret());
      }
    }
  }

  @Test
  void theDocumentedLinesParse() throws Exception {
    BootstrapReply.Session session = assertInstanceOf(BootstrapReply.Session.class, BootstrapReply.parse(SESSION));
    assertEquals(NONCE, session.nonce().toString());
    assertEquals(ID, session.credentials().id().toString());
    assertEquals(SECRET, session.credentials().encodedSecret());
    assertEquals(40001, session.port());
    assertEquals(SESSION, session.toLine());

    BootstrapReply.Error error = assertInstanceOf(BootstrapReply.Error.class, BootstrapReply.parse(ERROR));
    assertEquals("no pty", error.reason());
  }

  @Test
  void anAwkwardReasonRoundTrips() throws Exception {
    String reason = "cannot start: \"/usr/bin/x\" = 100% gone\nétrange 日本 🎉 ET1 SESSION nonce=" + NONCE;
    BootstrapReply.Error error = new BootstrapReply.Error(BootstrapNonce.random(), reason);
    assertFalse(error.toLine().contains("\n"));
    assertEquals(4, error.toLine().split(" ").length);
    assertEquals(error, BootstrapReply.parse(error.toLine()));
  }

  @Test
  void toStringOfASessionHidesTheSecret() throws Exception {
    BootstrapReply.Session session = (BootstrapReply.Session) BootstrapReply.parse(SESSION);
    assertFalse(session.toString().contains(SECRET), session.toString());
    assertFalse(session.toString().contains(SECRET.substring(0, 10)), session.toString());
    assertTrue(session.toString().contains("secret hidden"), session.toString());
    assertTrue(session.toString().contains(ID), session.toString());
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("port 0", SESSION.replace("port=40001", "port=0"), "port must be in 1..65535: 0"),
        Arguments.of("port 65536", SESSION.replace("port=40001", "port=65536"), "port must be in 1..65535: 65536"),
        Arguments.of("port leading zero", SESSION.replace("port=40001", "port=040001"), "port must be a decimal number"),
        Arguments.of("port missing", SESSION.replace(" port=40001", ""), "missing field port"),
        Arguments.of("port twice", SESSION + " port=1", "port appears more than once"),
        Arguments.of("id short", SESSION.replace(ID, ID.substring(1)), "id must be 32 hex digits"),
        Arguments.of("id not hex", SESSION.replace(ID, "g" + ID.substring(1)), "id must be 32 hex digits"),
        Arguments.of("nonce not hex", SESSION.replace(NONCE, "x" + NONCE.substring(1)), "nonce must be 32 hex digits"),
        Arguments.of("secret short", SESSION.replace(SECRET, SECRET.substring(1)), "secret must be 43 base64url characters"),
        Arguments.of("secret long", SESSION.replace(SECRET, SECRET + "A"), "secret must be 43 base64url characters"),
        Arguments.of("secret padded", SESSION.replace(SECRET, SECRET + "="), "secret must be 43 base64url characters"),
        Arguments.of("secret plain base64", SESSION.replace(SECRET, "+" + SECRET.substring(1)), "secret must be 43 base64url characters"),
        Arguments.of("secret percent-encoded", SESSION.replace(SECRET, "%71" + SECRET.substring(1)), "secret must be 43 base64url characters"),
        Arguments.of("secret missing", SESSION.replace(" secret=" + SECRET, ""), "missing field secret"),
        Arguments.of("secret without key", SESSION.replace(" secret=", " "), "is not key=value"),
        Arguments.of("unknown field", SESSION + " host=x", "unknown field \"host\" in an ET1 SESSION line"),
        Arguments.of("request kind", SESSION.replace("SESSION", "REQUEST"), "expected an ET1 SESSION, SESSIONS, KILLED, GRANT or ERROR line"),
        Arguments.of("reason missing", ERROR.replace(" reason=no%20pty", ""), "missing field reason"),
        Arguments.of("reason bad escape", ERROR.replace("no%20pty", "no%2"), "reason has a malformed percent escape"),
        Arguments.of("reason raw space", ERROR + " x", "is not key=value"),
        Arguments.of("secret in an error", ERROR + " secret=" + SECRET, "unknown field \"secret\" in an ET1 ERROR line"),
        Arguments.of("line too long", SESSION + " x=" + "y".repeat(65536), "line is 656"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void malformedRepliesAreRefusedNamingTheFieldButNeverShowingTheSecret(String what, String line, String message) {
    BootstrapException e = assertThrows(BootstrapException.class, () -> BootstrapReply.parse(line), what);
    assertTrue(e.getMessage().contains(message), what + ": " + e.getMessage());
    for (int start = 0; start + 8 <= SECRET.length(); start++) {
      assertFalse(e.getMessage().contains(SECRET.substring(start, start + 8)), "shows the secret: " + e.getMessage());
    }
  }

  @Test
  void theConstructorsRefuseBadValues() {
    BootstrapNonce nonce = BootstrapNonce.random();
    SessionCredentials credentials = SessionCredentials.generate();
    assertThrows(IllegalArgumentException.class, () -> new BootstrapReply.Session(nonce, credentials, 0));
    assertThrows(IllegalArgumentException.class, () -> new BootstrapReply.Session(nonce, credentials, 65536));
    new BootstrapReply.Session(nonce, credentials, 65535);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new BootstrapReply.Error(nonce, "\n".repeat(30_000)));
    assertTrue(e.getMessage().contains("line would be"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new BootstrapReply.Error(nonce, "\udc00"));
  }

  static BootstrapReply randomReply(Random random) {
    byte[] nonce = new byte[BootstrapNonce.BYTES];
    random.nextBytes(nonce);
    if (random.nextInt(3) == 0) {
      return new BootstrapReply.Error(BootstrapNonce.of(nonce), RandomText.text(random, 60));
    }
    byte[] id = new byte[SessionId.BYTES];
    random.nextBytes(id);
    byte[] secret = new byte[SessionCredentials.SECRET_BYTES];
    random.nextBytes(secret);
    return new BootstrapReply.Session(
        BootstrapNonce.of(nonce), new SessionCredentials(SessionId.of(id), secret), 1 + random.nextInt(65535));
  }
}
