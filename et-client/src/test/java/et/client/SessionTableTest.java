package et.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.terminal.JumpPath;
import et.terminal.ListedSession;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code et --list}'s table: its cells, the ids' length, the 80 columns, escaped remote text. */
class SessionTableTest {
  private static final Instant NOW = Instant.parse("2026-12-03T03:40:00Z");

  private static ListedSession session(String id, ListedSession.Mode mode, Optional<String> client, Optional<String> command) {
    return new ListedSession(id, mode, NOW.minus(Duration.ofMinutes(30)), Optional.of(NOW.minus(Duration.ofMinutes(5))),
        client, 1536, command, Optional.empty());
  }

  @Test
  void eachSessionIsALineWithItsCellsUnderTheHeader() {
    List<String> lines = SessionTable.lines(List.of(
            session("3f2a9c01ffeeddccbbaa998877665544", ListedSession.Mode.COMMAND, Optional.of("192.0.2.7:51234"), Optional.of("sleep 600")),
            session("77770000111122223333444455556666", ListedSession.Mode.TERMINAL, Optional.empty(), Optional.empty()),
            new ListedSession("0123456789abcdef0123456789abcdef", ListedSession.Mode.TUNNELS, Instant.parse("2026-12-01T10:00:00Z"),
                Optional.empty(), Optional.empty(), 0, Optional.empty(), Optional.empty())),
        NOW, ZoneOffset.UTC);
    assertEquals(List.of(
            "ID       MODE     STARTED     WAITING CLIENT, LAST CONTACT     COMMAND",
            "3f2a9c01 command  03:10          1.5K 192.0.2.7:51234, now     sleep 600",
            "77770000 terminal 03:10          1.5K disconnected since 03:35 login shell",
            "01234567 tunnels  12-01 10:00       0 not connected yet        -"),
        lines);
  }

  @Test
  void idsGrowUntilTheyTellTheListedSessionsApart() {
    List<ListedSession> twins = List.of(
        session("3f2a9c01ffeeddccbbaa998877665544", ListedSession.Mode.TERMINAL, Optional.empty(), Optional.empty()),
        session("3f2a9c01ff00ddccbbaa998877665544", ListedSession.Mode.TERMINAL, Optional.empty(), Optional.empty()));
    assertEquals(11, SessionTable.idDigits(twins));
    assertEquals(SessionTable.MIN_ID_DIGITS, SessionTable.idDigits(twins.subList(0, 1)));
    assertTrue(SessionTable.lines(twins, NOW, ZoneOffset.UTC).get(1).startsWith("3f2a9c01ffe "));
  }

  @Test
  void longCellsAreCutToEightyColumnsAndRemoteTextIsEscaped() {
    String longCommand = "printf '\u001b[2J'; " + "x".repeat(80);
    List<String> lines = SessionTable.lines(List.of(
            session("3f2a9c01ffeeddccbbaa998877665544", ListedSession.Mode.COMMAND,
                Optional.of("[2001:db8:1234:5678:9abc:def0:1234:5678]:51234"), Optional.of(longCommand))),
        NOW, ZoneOffset.UTC);
    for (String line : lines) {
      assertTrue(line.length() <= SessionTable.WIDTH, line.length() + ": " + line);
      assertTrue(line.chars().noneMatch(c -> c < 0x20), "a control character in: " + line);
    }
    assertTrue(lines.get(1).contains("[2001:db8:1234:5678:9abc:def0…"), lines.get(1));
    assertTrue(lines.get(1).contains(" printf '\\x1b[2J"), lines.get(1));
    assertTrue(lines.get(1).endsWith("…"), lines.get(1));
    assertEquals(SessionTable.WIDTH, lines.get(1).length());
  }

  @Test
  void aClientThroughJumpHostsShowsThePathCutToKeepNow() {
    List<String> lines = SessionTable.lines(List.of(
            withVia(session("3f2a9c01ffeeddccbbaa998877665544", ListedSession.Mode.TERMINAL,
                Optional.of("10.79.0.1:40312"), Optional.empty()), "jump1,jump2"),
            withVia(session("77770000111122223333444455556666", ListedSession.Mode.TERMINAL,
                Optional.of("10.79.0.1:40313"), Optional.empty()), "admin@bastion.example.com:2222,jump2")),
        NOW, ZoneOffset.UTC);
    assertEquals("3f2a9c01 terminal 03:10      1.5K 10.79.0.1 via jump1,jump2, now login shell", lines.get(1));
    assertEquals("77770000 terminal 03:10      1.5K 10.79.0.1 via admin@bast…, now login shell", lines.get(2));
  }

  private static ListedSession withVia(ListedSession session, String path) {
    return new ListedSession(session.id(), session.mode(), session.started(), session.lastContact(), session.client(),
        session.waitingBytes(), session.command(), Optional.of(new JumpPath(List.of(path.split(",")))));
  }

  @Test
  void bytesAreShortened() {
    assertEquals("0", SessionTable.bytes(0));
    assertEquals("1023", SessionTable.bytes(1023));
    assertEquals("1.0K", SessionTable.bytes(1024));
    assertEquals("4.0M", SessionTable.bytes(4L << 20));
    assertEquals("1.0G", SessionTable.bytes(1L << 30));
  }
}
