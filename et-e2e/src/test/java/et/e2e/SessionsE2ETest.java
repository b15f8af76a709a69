package et.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.Await;
import et.testkit.CapturedOutput;
import et.testkit.CommandResult;
import et.testkit.Commands;
import et.testkit.EtHostSandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code et --list}, {@code et --kill ID} and {@code et -x} end to end: real launchers, the private
 * sshd, one session host per test (so each test sees only its own sessions). The sessions run
 * {@code cat} in pipe mode, so each one proves it is alive by echoing a line.
 */
@EnabledOnOs(OS.LINUX)
class SessionsE2ETest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  /** A table line: its id, mode, and the rest (times, waiting bytes, client, command). */
  private static final Pattern ROW = Pattern.compile("(?m)^([0-9a-f]{8,32}) +(terminal|command|tunnels) +(.*)$");

  @TempDir Path base;
  private RemoteHost host;

  @BeforeEach
  void startHost() throws Exception {
    host = RemoteHost.start(base);
  }

  @AfterEach
  void stopHost() throws Exception {
    if (host != null) {
      host.close();
    }
  }

  /** An {@code et -c 'echo MARK; cat'} without a terminal: once MARK is out, each line typed comes back. */
  private final class EchoSession implements AutoCloseable {
    final String mark;
    final EtProcess et;
    final CapturedOutput stdout = new CapturedOutput(StandardCharsets.UTF_8);

    EchoSession(String mark, String... options) throws IOException, InterruptedException {
      this.mark = mark;
      List<String> command = new ArrayList<>(List.of(options));
      command.addAll(List.of("-c", "echo " + mark + "; cat"));
      this.et = EtProcess.start(host.etCommand(command.toArray(String[]::new)));
      stdout.readFrom(et.stdout(), mark + " stdout");
      stdout.await(mark + "\n", DEADLINE);
    }

    void assertEchoes(String line) throws IOException, InterruptedException {
      int from = stdout.length();
      et.stdin().write((line + "\n").getBytes(StandardCharsets.UTF_8));
      et.stdin().flush();
      stdout.await(line + "\n", from, DEADLINE);
    }

    @Override
    public void close() {
      et.close();
    }
  }

  private CommandResult et(String... options) {
    return Commands.run(host.etCommand(options), DEADLINE);
  }

  /** The table's rows, by the command each runs; fails unless {@code --list} succeeded with nothing else on stdout. */
  private List<Matcher> listed() {
    CommandResult list = et("--list");
    assertEquals(0, list.status(), list.toString());
    List<String> lines = list.stdout().lines().toList();
    assertTrue(lines.getFirst().startsWith("ID "), list.toString());
    for (String line : lines) {
      assertTrue(line.length() <= 80, "wider than 80 columns: " + line);
    }
    List<Matcher> rows = lines.subList(1, lines.size()).stream().map(ROW::matcher).toList();
    for (Matcher row : rows) {
      assertTrue(row.matches(), "not a session row: " + row + "\n" + list);
    }
    return rows;
  }

  private static Matcher rowRunning(List<Matcher> rows, String command) {
    return rows.stream().filter(row -> row.group(3).endsWith(command)).findFirst()
        .orElseThrow(() -> new AssertionError("no session runs " + command + ": " + rows.stream().map(Matcher::group).toList()));
  }

  @Test
  void listShowsBothSessionsAndKillEndsExactlyTheOneNamed() throws Exception {
    CommandResult none = et("--list");
    assertEquals(0, none.status(), none.toString());
    assertEquals("no sessions of yours on 127.0.0.1\n", none.stdout());
    CommandResult noneToKill = et("--kill", "abcd");
    assertEquals(1, noneToKill.status(), noneToKill.toString());
    assertTrue(noneToKill.stderr().contains("no session of yours starts with abcd"), noneToKill.toString());
    // With no host socket, etterminal's launcher ran a host in etterminal's place for each, which
    // answered; nobody asked it for a session, so it exits once it has answered.
    Await.until("the hosts started for the list and the kill to exit", DEADLINE, () -> {
      try {
        return host.sessionHost().isEmpty();
      } catch (IOException e) {
        return false;
      }
    });
    String hostLog = EtHostSandbox.hostLog(host.home());
    assertTrue(hostLog.contains("nobody asked for a session or a relay: exiting"), hostLog);

    try (EchoSession first = new EchoSession("first-ready");
        EchoSession second = new EchoSession("second-ready")) {
      // Each shell prints its mark before it runs cat: the cats come a moment later.
      Await.until("both sessions' cat to run", DEADLINE, () -> catsOfTheHost() == 2, () -> catsOfTheHost() + " cats");
      List<Matcher> rows = listed();
      assertEquals(2, rows.size(), rows.toString());
      Matcher firstRow = rowRunning(rows, "echo first-ready; cat");
      Matcher secondRow = rowRunning(rows, "echo second-ready; cat");
      for (Matcher row : List.of(firstRow, secondRow)) {
        assertEquals("command", row.group(2));
        assertTrue(row.group(3).matches(".* 127\\.0\\.0\\.1:[0-9]+, now +echo .*"), "no connected client: " + row.group());
      }

      CommandResult unknown = et("--kill", unknownPrefix(firstRow.group(1), secondRow.group(1)));
      assertEquals(1, unknown.status(), unknown.toString());
      assertTrue(unknown.stderr().contains("no session of yours starts with"), unknown.toString());
      assertEquals("", unknown.stdout());
      assertEquals(2, listed().size(), "an unknown prefix ended a session");

      CommandResult kill = et("--kill", firstRow.group(1).substring(0, 6));
      assertEquals(0, kill.status(), kill.toString());
      assertTrue(kill.stdout().startsWith("ended session " + firstRow.group(1)), kill.toString());

      assertEquals(129, first.et.awaitExit(DEADLINE), first.et.stderr());
      assertTrue(first.et.stderr().contains("et: the session was ended on 127.0.0.1 by et --kill"), first.et.stderr());
      Await.until("the killed session's program to end", DEADLINE, () -> catsOfTheHost() == 1, () -> catsOfTheHost() + " cats");
      second.assertEchoes("second-still-echoes");
      List<Matcher> after = listed();
      assertEquals(1, after.size(), after.toString());
      assertEquals(secondRow.group(1), after.getFirst().group(1));
    }
  }

  @Test
  void killOtherSessionsEndsTheOthersBeforeTheNewSessionStarts() throws Exception {
    try (EchoSession old = new EchoSession("old-ready");
        EchoSession older = new EchoSession("older-ready");
        EchoSession fresh = new EchoSession("fresh-ready", "-x")) {
      assertEquals(129, old.et.awaitExit(DEADLINE), old.et.stderr());
      assertEquals(129, older.et.awaitExit(DEADLINE), older.et.stderr());
      assertTrue(old.et.stderr().contains("ended on 127.0.0.1 by et --kill-other-sessions (-x)"), old.et.stderr());
      fresh.assertEchoes("fresh-echoes");
      List<Matcher> rows = listed();
      assertEquals(1, rows.size(), rows.toString());
      rowRunning(rows, "echo fresh-ready; cat");
    }
  }

  @Test
  void aKilledTerminalSessionEndsItsEtWithTheMessageAndTheTerminalRestored() throws Exception {
    try (PtyEt terminal = PtyEt.start(host.etCommand(), base, 100, 30)) {
      terminal.screen().await(RemoteHost.PROMPT, 0, DEADLINE);
      List<Matcher> rows = listed();
      assertEquals(1, rows.size(), rows.toString());
      assertEquals("terminal", rows.getFirst().group(2));
      assertTrue(rows.getFirst().group(3).endsWith(" login shell"), rows.getFirst().group());

      CommandResult kill = et("--kill", rows.getFirst().group(1));
      assertEquals(0, kill.status(), kill.toString());

      PtyEt.Ending ending = terminal.awaitEnding(DEADLINE);
      assertEquals(129, ending.status());
      assertEquals(settings(ending.sttyBefore()), settings(ending.sttyAfter()), "the terminal's modes after et");
      assertTrue(terminal.screen().text().contains("et: the session was ended on 127.0.0.1 by et --kill"),
          terminal.screen().text());
      assertEquals("no sessions of yours on 127.0.0.1\n", et("--list").stdout());
    }
  }

  /** {@code stty -a}'s modes without the size (pty4j may size the PTY only after the first {@code stty}) or line breaks. */
  private static String settings(String sttyAll) {
    return sttyAll.replaceAll("rows \\d+; columns \\d+;", "").replaceAll("\\s+", " ");
  }

  /** How many {@code cat}s the session host runs: one per echo session's program. */
  private long catsOfTheHost() {
    try {
      return host.sessionHost().orElseThrow().descendants()
          .filter(process -> process.info().command().filter(command -> command.endsWith("/cat")).isPresent())
          .count();
    } catch (IOException e) {
      throw new AssertionError("cannot find the session host", e);
    }
  }

  /** A 4-digit prefix neither listed id starts with. */
  private static String unknownPrefix(String a, String b) {
    for (int n = 0; ; n++) {
      String prefix = String.format("%04x", n);
      if (!a.startsWith(prefix) && !b.startsWith(prefix)) {
        return prefix;
      }
    }
  }
}
