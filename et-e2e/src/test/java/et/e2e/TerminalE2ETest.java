package et.e2e;

import static et.e2e.RemoteHost.PROMPT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.CapturedOutput;
import et.testkit.Escaped;
import et.testkit.Poll;
import et.testkit.TestSeed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The terminal mode end to end, as a user sees it: launcher/et in a PTY, over the private sshd, to
 * the real etterminal and session host, with a login shell at the other end.
 */
@EnabledOnOs(OS.LINUX)
class TerminalE2ETest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir static Path base;
  private static RemoteHost host;
  private PtyEt et;

  @BeforeAll
  static void startHost() throws Exception {
    host = RemoteHost.start(base);
  }

  @AfterAll
  static void stopHost() throws Exception {
    if (host != null) {
      host.close();
    }
  }

  @AfterEach
  void closePty() {
    if (et != null) {
      et.close();
    }
  }

  private CapturedOutput startEt(int cols, int rows) throws Exception {
    et = PtyEt.start(host.etCommand(), base, cols, rows);
    et.screen().await(PROMPT, 0, DEADLINE);
    return et.screen();
  }

  @Test
  void promptThenExitSevenEndsEtWithSevenTheTerminalAsItWasAndNoJvmWarning() throws Exception {
    startEt(80, 24);
    et.type("exit 7\r");
    PtyEt.Ending ending = et.awaitEnding(DEADLINE);
    assertEquals(7, ending.status());
    assertTrue(ending.sttyBefore().contains(" icanon") && ending.sttyBefore().contains(" echo "), ending.sttyBefore());
    assertEquals(ending.sttyBefore(), ending.sttyAfter(), "stty -a after et");
    // launcher/et grants native access to each module that calls libc (jline's FFM terminal, et's
    // termios restore): a module it missed would make the JVM print "WARNING: A restricted method...".
    String seen = et.screen().since(0);
    assertFalse(seen.contains("WARNING:"), Escaped.of(seen));
  }

  @Test
  void aRunLeavesNothingInTheTemporaryDirectory() throws Exception {
    // et ends through _exit (ProcessExit), so nothing it unpacks there would be deleted on exit.
    Path tmp = Files.createDirectories(base.resolve("java-tmp"));
    List<String> etWithItsOwnTmp = List.of("env", "JAVA_TOOL_OPTIONS=-Djava.io.tmpdir=" + tmp, RemoteHost.ET.toString());
    et = PtyEt.start(host.etCommandBy(etWithItsOwnTmp, host.wrapper().toString()), base, 80, 24);
    et.screen().await(PROMPT, 0, DEADLINE);
    et.type("exit 0\r");
    assertEquals(0, et.awaitEnding(DEADLINE).status());
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(List.of(), left.map(path -> path.getFileName().toString()).toList(), "files et left in " + tmp);
    }
  }

  @Test
  void thousandCharactersTypedOneAtATimeReachCatInOrder() throws Exception {
    CapturedOutput screen = startEt(80, 24);
    Random random = new Random(TestSeed.forTest("typing"));
    StringBuilder typed = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      typed.append((char) (0x20 + random.nextInt(0x7e - 0x20))); // printable ASCII but '~' (et's escape)
    }
    et.type("echo READY$((40+2)); cat\r");
    int at = screen.await("READY42", 0, DEADLINE);
    for (int i = 0; i < typed.length(); i++) {
      et.type(String.valueOf(typed.charAt(i)));
    }
    et.type("\r");
    // The terminal's echo of the line, then cat's copy of it.
    at = screen.await(typed + "\r\n" + typed + "\r\n", at, DEADLINE);
    et.type("\u0004");
    screen.await(PROMPT, at, DEADLINE);
  }

  @Test
  void aPasteOfThirtyTwoKibibytesComesBackExactly() throws Exception {
    CapturedOutput screen = startEt(80, 24);
    Random random = new Random(TestSeed.forTest("paste"));
    byte[] paste = new byte[32 * 1024];
    for (int i = 0; i < paste.length; i++) {
      paste[i] = (byte) (0x20 + random.nextInt(0x7e - 0x20));
    }
    // Raw and without echo, the remote copy is byte for byte what was pasted.
    et.type("stty raw -echo; echo READY$((40+2)); head -c " + paste.length + "; stty sane; echo DONE$((40+2))\r");
    int at = screen.await("READY42", 0, DEADLINE);
    CompletableFuture<Void> pasting = CompletableFuture.runAsync(() -> {
      try {
        et.type(paste);
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    }, runnable -> Thread.ofPlatform().daemon().start(runnable));
    pasting.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    at = screen.await(new String(paste, java.nio.charset.StandardCharsets.ISO_8859_1), at, DEADLINE);
    screen.await("DONE42", at, DEADLINE);
  }

  @Test
  void theRemoteShellSeesTheNewSizeAfterAResize() throws Exception {
    CapturedOutput screen = startEt(80, 24);
    int at = screen.length();
    et.resize(123, 41);
    // The resize travels on its own channel: ask until the shell sees it (bounded).
    boolean seen = false;
    for (int attempt = 0; attempt < 20 && !seen; attempt++) {
      et.type("stty size\r");
      int from = at;
      seen = Poll.until(Duration.ofMillis(500), () -> screen.indexOf("41 123\r\n", from) >= 0);
    }
    assertTrue(seen, "stty size never said 41 123: " + Escaped.of(screen.since(at)));
  }

  @Test
  void ctrlCStopsAFloodWithinASecond() throws Exception {
    CapturedOutput screen = startEt(80, 24);
    et.type("cat /dev/zero | base64\r");
    screen.await("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 0, DEADLINE);
    int mark = screen.length();
    long start = System.nanoTime();
    et.type("\u0003");
    screen.await(PROMPT, mark, DEADLINE);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.err.println("Ctrl-C to prompt: " + took.toMillis() + " ms");
    assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "the prompt came back after " + took.toMillis() + " ms");
  }

  @Test
  void tildeDotEndsEtWith255AndTheRemoteShellGoes() throws Exception {
    CapturedOutput screen = startEt(80, 24);
    et.type("echo SHELL=$$\r");
    int at = screen.await(PROMPT, screen.await("SHELL=", 0, DEADLINE), DEADLINE);
    Matcher m = Pattern.compile("SHELL=(\\d+)\r\n").matcher(screen.since(0));
    assertTrue(m.find(), Escaped.of(screen.since(0)));
    long shellPid = Long.parseLong(m.group(1));
    assertTrue(ProcessHandle.of(shellPid).isPresent(), "the remote shell runs on this machine");
    et.type("\r");
    screen.await(PROMPT, at, DEADLINE);
    et.type("~.");
    PtyEt.Ending ending = et.awaitEnding(DEADLINE);
    assertEquals(255, ending.status());
    assertEquals(ending.sttyBefore(), ending.sttyAfter(), "stty -a after et");
    assertTrue(Poll.until(DEADLINE, () -> ProcessHandle.of(shellPid).map(p -> !p.isAlive()).orElse(true)),
        "remote shell " + shellPid + " still runs");
  }

  /**
   * tmux control mode (-CC, as iTerm2 uses it) through et: its DCS opening and %-notifications
   * reach the local terminal unchanged, and commands typed into it get their %begin/%end answers.
   */
  @Test
  void tmuxControlModePassesThroughUnchanged() throws Exception {
    CapturedOutput screen = startEt(100, 30);
    String socket = "et-e2e-cc-" + ProcessHandle.current().pid();
    try {
      int from = screen.length();
      et.type("tmux -L " + socket + " -f /dev/null -CC new-session\r");
      int opened = screen.await("\u001bP1000p", from, DEADLINE); // the DCS that starts control mode
      screen.await("%session-changed", opened, DEADLINE);
      int asked = screen.length();
      // The answer, "<session name>-ET", cannot be an echo of the command typed.
      et.type("display-message -p '#{session_name}-ET'\n");
      int begin = screen.await("%begin ", asked, DEADLINE);
      screen.await("\r\n0-ET\r\n%end ", begin, DEADLINE);
      int killed = screen.length();
      et.type("kill-server\n");
      screen.await("%exit", killed, DEADLINE);
      screen.await(PROMPT, killed, DEADLINE);
    } finally {
      // The tmux server runs on this machine as the login user: never leave it behind.
      new ProcessBuilder("tmux", "-L", socket, "kill-server").redirectErrorStream(true).start().waitFor();
    }
  }
}
