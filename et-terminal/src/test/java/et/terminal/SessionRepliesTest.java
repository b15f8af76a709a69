package et.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The SESSIONS and KILLED answer lines (docs/TERMINAL.md), through {@link BootstrapReply#parse}. */
class SessionRepliesTest {
  private static final String NONCE = "00112233445566778899aabbccddeeff";
  private static final String ID = "3f2a9c01ffeeddccbbaa998877665544";
  private static final String ENTRY = ID + ",command,1764732000000,1764732060000,127.0.0.1%3A51234,42,sleep%20600";
  private static final String SESSIONS = "ET1 SESSIONS nonce=" + NONCE + " total=1 session=" + ENTRY;
  private static final String KILLED = "ET1 KILLED nonce=" + NONCE + " id=" + ID;

  @Test
  void theDocumentedLinesParse() throws Exception {
    BootstrapReply.Sessions sessions = assertInstanceOf(BootstrapReply.Sessions.class, BootstrapReply.parse(SESSIONS));
    assertEquals(1, sessions.total());
    ListedSession listed = sessions.listed().getFirst();
    assertEquals(
        new ListedSession(ID, ListedSession.Mode.COMMAND, Instant.ofEpochMilli(1764732000000L),
            Optional.of(Instant.ofEpochMilli(1764732060000L)), Optional.of("127.0.0.1:51234"), 42, Optional.of("sleep 600")),
        listed);
    assertEquals(SESSIONS, sessions.toLine());

    BootstrapReply.Killed killed = assertInstanceOf(BootstrapReply.Killed.class, BootstrapReply.parse(KILLED));
    assertEquals(ID, killed.id());
    assertEquals(KILLED, killed.toLine());

    BootstrapReply.Sessions none = assertInstanceOf(BootstrapReply.Sessions.class, BootstrapReply.parse("ET1 SESSIONS nonce=" + NONCE + " total=0"));
    assertEquals(List.of(), none.listed());
  }

  @Test
  void theFullestAnswerRoundTripsWithinTheLineCap() throws Exception {
    // The largest answer the caps allow: every field at its longest, in 3-byte UTF-8 (9 encoded characters each).
    List<ListedSession> listed = new ArrayList<>();
    for (int i = 0; i < BootstrapReply.Sessions.MAX_LISTED; i++) {
      listed.add(new ListedSession(
          String.format("%032x", i), ListedSession.Mode.values()[i % 3], Instant.ofEpochMilli(ListedSession.MAX_NUMBER),
          i % 2 == 0 ? Optional.empty() : Optional.of(Instant.EPOCH),
          Optional.of("日".repeat(ListedSession.MAX_CLIENT_CHARS)), ListedSession.MAX_NUMBER,
          Optional.of(ListedSession.shownCommand("本,= %".repeat(100)))));
    }
    BootstrapReply.Sessions sessions = new BootstrapReply.Sessions(BootstrapNonce.random(), BootstrapReply.Sessions.MAX_TOTAL, listed);
    String line = sessions.toLine();
    assertTrue(line.length() <= 64 * 1024, "line is " + line.length());
    assertEquals(sessions, BootstrapReply.parse(line));
    assertEquals(ListedSession.MAX_COMMAND_CHARS, listed.getFirst().command().orElseThrow().length());
    assertTrue(listed.getFirst().command().orElseThrow().endsWith("…"));
  }

  static Stream<Arguments> refused() {
    String forty = (" session=" + ENTRY).repeat(BootstrapReply.Sessions.MAX_LISTED);
    return Stream.of(
        Arguments.of("total missing", SESSIONS.replace(" total=1", ""), "missing field total"),
        Arguments.of("total twice", SESSIONS + " total=1", "total appears more than once"),
        Arguments.of("total negative", SESSIONS.replace("total=1", "total=-1"), "total must be a decimal number"),
        Arguments.of("total too large", SESSIONS.replace("total=1", "total=1000001"), "total must be in 0..1000000"),
        Arguments.of("total below the listed", SESSIONS.replace("total=1", "total=0"), "total 0 is less than the 1 sessions listed"),
        Arguments.of("41 sessions", "ET1 SESSIONS nonce=" + NONCE + " total=41" + forty + " session=" + ENTRY, "more than 40 session fields"),
        Arguments.of("unknown field", SESSIONS + " host=x", "unknown field \"host\" in an ET1 SESSIONS line"),
        Arguments.of("six parts", SESSIONS.replace(",sleep%20600", ""), "session must have 7 comma-separated parts, not 6"),
        Arguments.of("eight parts", SESSIONS + ",x", "session must have 7 comma-separated parts, not 8"),
        Arguments.of("id short", SESSIONS.replace(ID, ID.substring(1)), "session id must be 32 hex digits"),
        Arguments.of("bad mode", SESSIONS.replace(",command,", ",shell,"), "session mode must be terminal, command or tunnels"),
        Arguments.of("start not a number", SESSIONS.replace("1764732000000", "x"), "session start must be a decimal number"),
        Arguments.of("start too large", SESSIONS.replace("1764732000000", "1000000000000000"), "session start must be in 0..999999999999999"),
        Arguments.of("start of 19 digits", SESSIONS.replace("1764732000000", "9".repeat(19)), "session start must be a decimal number"),
        Arguments.of("contact leading zero", SESSIONS.replace("1764732060000", "01764732060000"), "session last contact must be a decimal number"),
        Arguments.of("waiting negative", SESSIONS.replace(",42,", ",-42,"), "session waiting bytes must be a decimal number"),
        Arguments.of("client raw colon", SESSIONS.replace("%3A", ":"), "session client has a character that must be percent-encoded"),
        Arguments.of("client too long", SESSIONS.replace("127.0.0.1%3A51234", "1".repeat(65)), "session client must be 1..64 characters"),
        Arguments.of("client encoded too long", SESSIONS.replace("127.0.0.1%3A51234", "%41".repeat(300)), "session client is longer than 64 characters"),
        Arguments.of("command too long", SESSIONS.replace("sleep%20600", "x".repeat(101)), "session command must be 1..100 characters"),
        Arguments.of("command bad escape", SESSIONS.replace("sleep%20600", "sleep%2"), "session command has a malformed percent escape"),
        Arguments.of("command bad UTF-8", SESSIONS.replace("sleep%20600", "%C3%28"), "session command is not valid UTF-8"),
        Arguments.of("killed id short", KILLED.substring(0, KILLED.length() - 1), "id must be 32 hex digits"),
        Arguments.of("killed id missing", "ET1 KILLED nonce=" + NONCE, "missing field id in an ET1 KILLED line"),
        Arguments.of("killed unknown field", KILLED + " total=1", "unknown field \"total\" in an ET1 KILLED line"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void malformedAnswersAreRefusedWithTheirReason(String what, String line, String message) {
    BootstrapException e = assertThrows(BootstrapException.class, () -> BootstrapReply.parse(line), what);
    assertTrue(e.getMessage().contains(message), what + ": " + e.getMessage());
  }

  @Test
  void theConstructorsRefuseBadValues() {
    BootstrapNonce nonce = BootstrapNonce.random();
    ListedSession one = new ListedSession(ID, ListedSession.Mode.TERMINAL, Instant.EPOCH, Optional.empty(), Optional.empty(), 0, Optional.empty());
    assertThrows(IllegalArgumentException.class, () -> new BootstrapReply.Sessions(nonce, 0, List.of(one)));
    assertThrows(IllegalArgumentException.class,
        () -> new BootstrapReply.Sessions(nonce, 41, Collections.nCopies(41, one)));
    assertThrows(IllegalArgumentException.class, () -> new BootstrapReply.Killed(nonce, ID.toUpperCase()));
    assertThrows(IllegalArgumentException.class, () -> new ListedSession(ID.toUpperCase(), ListedSession.Mode.TERMINAL,
        Instant.EPOCH, Optional.empty(), Optional.empty(), 0, Optional.empty()));
    assertThrows(IllegalArgumentException.class, () -> new ListedSession(ID, ListedSession.Mode.TERMINAL,
        Instant.EPOCH.minusMillis(1), Optional.empty(), Optional.empty(), 0, Optional.empty()));
    assertThrows(IllegalArgumentException.class, () -> new ListedSession(ID, ListedSession.Mode.TERMINAL,
        Instant.EPOCH, Optional.empty(), Optional.empty(), -1, Optional.empty()));
    assertThrows(IllegalArgumentException.class, () -> new ListedSession(ID, ListedSession.Mode.TERMINAL,
        Instant.EPOCH, Optional.empty(), Optional.empty(), 0, Optional.of("x".repeat(101))));
  }
}
