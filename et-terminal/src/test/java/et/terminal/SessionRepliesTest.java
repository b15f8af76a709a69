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
  private static final String ENTRY = ID + ",command,1764732000000,1764732060000,127.0.0.1%3A51234,42,sleep%20600,jump1%2Cme%40jump2%3A2222";
  private static final String SESSIONS = "ET1 SESSIONS nonce=" + NONCE + " total=1 session=" + ENTRY;
  private static final String KILLED = "ET1 KILLED nonce=" + NONCE + " id=" + ID;

  @Test
  void theDocumentedLinesParse() throws Exception {
    BootstrapReply.Sessions sessions = assertInstanceOf(BootstrapReply.Sessions.class, BootstrapReply.parse(SESSIONS));
    assertEquals(1, sessions.total());
    ListedSession listed = sessions.listed().getFirst();
    assertEquals(
        new ListedSession(ID, ListedSession.Mode.COMMAND, Instant.ofEpochMilli(1764732000000L),
            Optional.of(Instant.ofEpochMilli(1764732060000L)), Optional.of("127.0.0.1:51234"), 42, Optional.of("sleep 600"),
            Optional.of(new JumpPath(List.of("jump1", "me@jump2:2222")))),
        listed);
    assertEquals(SESSIONS, sessions.toLine());

    BootstrapReply.Killed killed = assertInstanceOf(BootstrapReply.Killed.class, BootstrapReply.parse(KILLED));
    assertEquals(ID, killed.id());
    assertEquals(KILLED, killed.toLine());

    BootstrapReply.Sessions none = assertInstanceOf(BootstrapReply.Sessions.class, BootstrapReply.parse("ET1 SESSIONS nonce=" + NONCE + " total=0"));
    assertEquals(List.of(), none.listed());
  }

  @Test
  void theFullestAnswerListsWhatFitsInTheLineCap() throws Exception {
    // The largest entries the caps allow: every field at its longest, in 3-byte UTF-8 (9 encoded
    // characters each), the path in characters that are all encoded.
    String hop = "[" + ":".repeat(JumpPath.MAX_HOP_CHARS - 2) + "]";
    JumpPath longestPath = new JumpPath(List.of(hop, hop, ":".repeat(JumpPath.MAX_CHARS - 2 * JumpPath.MAX_HOP_CHARS - 2)));
    assertEquals(JumpPath.MAX_CHARS, longestPath.toString().length());
    List<ListedSession> candidates = new ArrayList<>();
    for (int i = 0; i < BootstrapReply.Sessions.MAX_LISTED; i++) {
      candidates.add(new ListedSession(
          String.format("%032x", i), ListedSession.Mode.values()[i % 3], Instant.ofEpochMilli(ListedSession.MAX_NUMBER),
          i % 2 == 0 ? Optional.empty() : Optional.of(Instant.EPOCH),
          Optional.of("日".repeat(ListedSession.MAX_CLIENT_CHARS)), ListedSession.MAX_NUMBER,
          Optional.of(ListedSession.shownCommand("本,= %".repeat(100))), Optional.of(longestPath)));
    }
    assertThrows(IllegalArgumentException.class,
        () -> new BootstrapReply.Sessions(BootstrapNonce.random(), BootstrapReply.Sessions.MAX_TOTAL, candidates));
    BootstrapReply.Sessions sessions =
        BootstrapReply.Sessions.fitting(BootstrapNonce.random(), BootstrapReply.Sessions.MAX_TOTAL, candidates);
    String line = sessions.toLine();
    assertTrue(line.length() <= 64 * 1024, "line is " + line.length());
    assertTrue(sessions.listed().size() > 30 && sessions.listed().size() < candidates.size(), "listed " + sessions.listed().size());
    assertTrue(line.length() + 2500 > 64 * 1024, "room for another entry was left: " + line.length());
    assertEquals(candidates.subList(0, sessions.listed().size()), sessions.listed());
    assertEquals(sessions, BootstrapReply.parse(line));
    assertEquals(ListedSession.MAX_COMMAND_CHARS, candidates.getFirst().command().orElseThrow().length());
    assertTrue(candidates.getFirst().command().orElseThrow().endsWith("…"));
    // Entries of a usual size: all forty.
    List<ListedSession> usual = Collections.nCopies(BootstrapReply.Sessions.MAX_LISTED,
        ((BootstrapReply.Sessions) BootstrapReply.parse(SESSIONS)).listed().getFirst());
    assertEquals(usual, BootstrapReply.Sessions.fitting(BootstrapNonce.random(), 100, usual).listed());
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
        Arguments.of("seven parts", SESSIONS.replace(",sleep%20600", ""), "session must have 8 comma-separated parts, not 7"),
        Arguments.of("nine parts", SESSIONS + ",x", "session must have 8 comma-separated parts, not 9"),
        Arguments.of("via raw comma", SESSIONS.replace("%2C", ","), "session must have 8 comma-separated parts, not 9"),
        Arguments.of("via with a blank", SESSIONS.replace("jump1%2C", "jump%201%2C"), "via hop must be [user@]host[:port]"),
        Arguments.of("via with an empty hop", SESSIONS.replace("jump1%2C", "jump1%2C%2C"), "via hop must be"),
        Arguments.of("via too long", SESSIONS.replace("jump1%2C", "j".repeat(300) + "%2C"), "via must be at most 255 characters"),
        Arguments.of("via bad escape", SESSIONS.replace("jump1%2C", "jump1%2"), "session via has a malformed percent escape"),
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
    ListedSession one = new ListedSession(ID, ListedSession.Mode.TERMINAL, Instant.EPOCH, Optional.empty(), Optional.empty(), 0, Optional.empty(), Optional.empty());
    assertThrows(IllegalArgumentException.class, () -> new BootstrapReply.Sessions(nonce, 0, List.of(one)));
    assertThrows(IllegalArgumentException.class,
        () -> new BootstrapReply.Sessions(nonce, 41, Collections.nCopies(41, one)));
    assertThrows(IllegalArgumentException.class, () -> new BootstrapReply.Killed(nonce, ID.toUpperCase()));
    assertThrows(IllegalArgumentException.class, () -> new ListedSession(ID.toUpperCase(), ListedSession.Mode.TERMINAL,
        Instant.EPOCH, Optional.empty(), Optional.empty(), 0, Optional.empty(), Optional.empty()));
    assertThrows(IllegalArgumentException.class, () -> new ListedSession(ID, ListedSession.Mode.TERMINAL,
        Instant.EPOCH.minusMillis(1), Optional.empty(), Optional.empty(), 0, Optional.empty(), Optional.empty()));
    assertThrows(IllegalArgumentException.class, () -> new ListedSession(ID, ListedSession.Mode.TERMINAL,
        Instant.EPOCH, Optional.empty(), Optional.empty(), -1, Optional.empty(), Optional.empty()));
    assertThrows(IllegalArgumentException.class, () -> new ListedSession(ID, ListedSession.Mode.TERMINAL,
        Instant.EPOCH, Optional.empty(), Optional.empty(), 0, Optional.of("x".repeat(101)), Optional.empty()));
  }
}
