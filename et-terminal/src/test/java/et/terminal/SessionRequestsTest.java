package et.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The LIST and KILL request lines and REQUEST's killothers flag (docs/TERMINAL.md), through {@link HostRequest#parse}. */
class SessionRequestsTest {
  private static final String NONCE = "00112233445566778899aabbccddeeff";
  private static final String LIST = "ET1 LIST nonce=" + NONCE;
  private static final String KILL = "ET1 KILL nonce=" + NONCE + " id=3F2a";

  @Test
  void theDocumentedLinesParseToTheirKinds() throws Exception {
    ListRequest list = assertInstanceOf(ListRequest.class, HostRequest.parse(LIST));
    assertEquals(NONCE, list.nonce().toString());
    assertEquals(LIST, list.toLine());

    KillRequest kill = assertInstanceOf(KillRequest.class, HostRequest.parse(KILL));
    assertEquals("3f2a", kill.idPrefix(), "kept in lower case");
    assertEquals("ET1 KILL nonce=" + NONCE + " id=3f2a", kill.toLine());

    BootstrapRequest request = BootstrapRequest.create("xterm", 80, 24, Optional.empty(), false, new LinkedHashMap<>(), false, false);
    assertFalse(request.killOthers());
    assertFalse(request.toLine().contains("killothers"));
    BootstrapRequest killing = request.withKillOthers();
    assertTrue(killing.toLine().endsWith(" killothers=1"), killing.toLine());
    assertEquals(killing, assertInstanceOf(BootstrapRequest.class, HostRequest.parse(killing.toLine())));
  }

  @Test
  void randomRequestsRoundTrip() throws Exception {
    for (int digits = KillRequest.MIN_PREFIX_DIGITS; digits <= KillRequest.MAX_PREFIX_DIGITS; digits++) {
      KillRequest kill = KillRequest.create(BootstrapNonce.random().toString().substring(0, digits));
      assertEquals(kill, HostRequest.parse(kill.toLine()));
    }
    ListRequest list = ListRequest.create();
    assertEquals(list, HostRequest.parse(list.toLine()));
  }

  static Stream<Arguments> refused() {
    String thirtyThree = "0".repeat(33);
    return Stream.of(
        Arguments.of("unknown kind", LIST.replace("LIST", "STOP"), "expected an ET1 REQUEST, LIST, KILL or RELAY line, got ET1 \"STOP\""),
        Arguments.of("list with a field", LIST + " id=3f2a", "unknown field \"id\" in an ET1 LIST line"),
        Arguments.of("list without nonce", "ET1 LIST", "missing field nonce in an ET1 LIST line"),
        Arguments.of("list nonce twice", LIST + " nonce=" + NONCE, "nonce appears more than once"),
        Arguments.of("list nonce short", LIST.substring(0, LIST.length() - 1), "nonce must be 32 hex digits"),
        Arguments.of("kill without id", "ET1 KILL nonce=" + NONCE, "missing field id in an ET1 KILL line"),
        Arguments.of("kill id twice", KILL + " id=3f2a", "id appears more than once"),
        Arguments.of("kill id of 3 digits", KILL.replace("3F2a", "3f2"), "id must be 4..32 hex digits"),
        Arguments.of("kill id of 33 digits", KILL.replace("3F2a", thirtyThree), "id must be 4..32 hex digits"),
        Arguments.of("kill id not hex", KILL.replace("3F2a", "3f2g"), "id must be 4..32 hex digits"),
        Arguments.of("kill id percent-encoded", KILL.replace("3F2a", "%33f2a"), "id must be 4..32 hex digits"),
        Arguments.of("kill id empty", KILL.replace("3F2a", ""), "id must be 4..32 hex digits"),
        Arguments.of("kill unknown field", KILL + " all=1", "unknown field \"all\" in an ET1 KILL line"),
        Arguments.of("kill control character", KILL + "\u001b", "control or non-ASCII character"),
        Arguments.of("killothers not 1", REQUEST + " killothers=yes", "killothers must be 1 when present"),
        Arguments.of("killothers twice", REQUEST + " killothers=1 killothers=1", "killothers appears more than once"),
        Arguments.of("kill line too long", KILL + " x=" + "y".repeat(65536), "line is 655"));
  }

  private static final String REQUEST = "ET1 REQUEST nonce=" + NONCE + " term=xterm cols=80 rows=24";

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void malformedRequestsAreRefusedWithTheirReason(String what, String line, String message) {
    BootstrapException e = assertThrows(BootstrapException.class, () -> HostRequest.parse(line), what);
    assertTrue(e.getMessage().contains(message), what + ": " + e.getMessage());
  }

  @Test
  void theKillConstructorRefusesWhatTheParserRefuses() {
    assertThrows(IllegalArgumentException.class, () -> KillRequest.create("abc"));
    assertThrows(IllegalArgumentException.class, () -> KillRequest.create("abcd "));
    assertThrows(IllegalArgumentException.class, () -> KillRequest.create("0".repeat(33)));
    assertEquals("abcd", KillRequest.create("ABCD").idPrefix());
  }
}
