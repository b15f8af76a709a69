package et.e2e;

import static et.e2e.RemoteHost.PROMPT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.Await;
import et.testkit.CapturedOutput;
import et.testkit.CommandResult;
import et.testkit.Commands;
import et.testkit.Escaped;
import et.testkit.Poll;
import et.testkit.Processes;
import et.testkit.ShellWords;
import et.testkit.TtyModes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The et agent end to end (docs/TERMINAL.md, "The et agent"): launcher/et-agent in the foreground
 * with the test's HOME, then launcher/et on a real terminal (PtyEt, same HOME), against the private
 * sshd and a session host. Which program ran the session shows in the terminal's processes: the
 * thin client ({@code et.client.thin.ThinClient}) or the whole client ({@code et.client.Main}).
 */
@EnabledOnOs(OS.LINUX)
class AgentE2ETest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir static Path base;
  private static RemoteHost host;
  private static Process agent;
  private PtyEt et;

  @BeforeAll
  static void start() throws Exception {
    host = RemoteHost.start(base);
    agent = startAgent(base);
  }

  /** launcher/et-agent in the foreground for ets whose HOME is {@code home}, once it serves. */
  private static Process startAgent(Path home) throws Exception {
    ProcessBuilder command = new ProcessBuilder(RemoteHost.REPO.resolve("launcher/et-agent").toString(), "--foreground")
        .redirectErrorStream(true)
        .redirectOutput(home.resolve("agent.out").toFile())
        .directory(home.toFile());
    // As PtyEt's environment: HOME is the given one and there is no XDG_RUNTIME_DIR, so the socket is in ~/.et.
    command.environment().put("HOME", home.toString());
    command.environment().remove("XDG_RUNTIME_DIR");
    Process started = command.start();
    Await.until("the agent to serve", DEADLINE, () -> Files.exists(socket(home)) || !started.isAlive(),
        () -> agentOutput(home));
    assertTrue(started.isAlive(), agentOutput(home));
    return started;
  }

  @AfterAll
  static void stop() throws Exception {
    if (agent != null) {
      agent.destroy();
      agent.waitFor();
    }
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

  private static Path socket(Path home) {
    return home.resolve(".et").resolve("agent.sock");
  }

  private static String agentOutput(Path home) {
    try {
      Path out = home.resolve("agent.out");
      Path log = home.resolve(".et").resolve("agent.log");
      return "agent output: " + (Files.exists(out) ? Files.readString(out) : "none")
          + "\nagent log: " + (Files.exists(log) ? Files.readString(log) : "none");
    } catch (IOException e) {
      return "unreadable: " + e;
    }
  }

  /** The command lines of the processes under the terminal's shell. */
  private List<String> programsOnTheTerminal() {
    return et.processesWith("").stream().map(process -> process.info().commandLine().orElse("")).toList();
  }

  private boolean runs(String mainClass) {
    return !et.processesWith(mainClass).isEmpty();
  }

  /** The thin client under the terminal's shell. */
  private ProcessHandle thinClient() {
    return et.processesWith("ThinClient").stream()
        .findFirst().orElseThrow(() -> new AssertionError(programsOnTheTerminal()));
  }

  /** Types {@code exit STATUS} in the session: et ends with that status and the terminal as before it. */
  private void exitWith(int status) throws Exception {
    et.type("exit " + status + "\r");
    assertEndedWithTheTerminalRestored(status);
  }

  /** et ends with {@code status}, and the terminal's settings after it are those before it. */
  private void assertEndedWithTheTerminalRestored(int status) throws InterruptedException {
    PtyEt.Ending ending = et.awaitEnding(DEADLINE);
    assertEquals(status, ending.status());
    assertEquals(withoutSize(ending.sttyBefore()), withoutSize(ending.sttyAfter()), "stty -a after et");
  }

  private CapturedOutput startEt(String... options) throws Exception {
    return startEtAwaiting(PROMPT, options);
  }

  private CapturedOutput startEtAwaiting(String awaited, String... options) throws Exception {
    et = PtyEt.start(host.etCommand(options), base, 80, 24);
    et.screen().await(awaited, 0, DEADLINE);
    return et.screen();
  }

  /** stty -a's settings without the window's size (and the line breaks that depend on it). */
  private static String withoutSize(String stty) {
    return stty.replaceAll("rows \\d+; columns \\d+;", "").replaceAll("\\s+", " ");
  }

  @Test
  void theAgentRunsTheSessionOfAThinEtWithWindowChangesTheExitStatusAndTheTerminalRestored() throws Exception {
    CapturedOutput screen = startEt();
    assertTrue(runs("et.client.thin.ThinClient"), programsOnTheTerminal().toString());
    assertFalse(runs("et.client.Main"), programsOnTheTerminal().toString());

    int at = screen.length();
    et.resize(123, 41);
    boolean seen = false;
    for (int attempt = 0; attempt < 20 && !seen; attempt++) {
      et.type("stty size\r");
      seen = Poll.until(Duration.ofMillis(500), () -> screen.indexOf("41 123\r\n", at) >= 0);
    }
    assertTrue(seen, "stty size never said 41 123: " + Escaped.of(screen.since(at)));

    exitWith(7);
    assertTrue(Files.readString(base.resolve(".et").resolve("agent.log")).contains("et agent: an et on /dev/pts/"), agentOutput(base));
  }

  @Test
  void laterEtsToAHostTheAgentServedGetTheirSessionsThroughItsKeeperWithoutAnSshLogin() throws Exception {
    Path sshLog = base.resolve("keeper-ssh-invocations");
    Path ssh = host.sshNotingTo(base.resolve("ssh-noting"), sshLog);
    List<String> command = RemoteHost.etCommandAs(host.sshd().user(), ssh.toString(), host.wrapper().toString(),
        "-c", "echo KEEPER-RAN; exit 6");
    List<Path> before = shareSockets();
    for (int run = 1; run <= 2; run++) {
      et = PtyEt.start(command, base, 80, 24);
      PtyEt.Ending ending = et.awaitEnding(DEADLINE);
      assertEquals(6, ending.status(), Escaped.of(et.screen().since(0)));
      assertTrue(et.screen().since(0).contains("KEEPER-RAN"), Escaped.of(et.screen().since(0)));
      et.close();
      if (run == 1) {
        Await.until("the agent's keeper to offer its session", DEADLINE, () -> keeperOffers(before), () -> agentOutput(base));
      }
    }
    assertEquals(1, host.logins(sshLog), "ssh logins: " + Files.readAllLines(sshLog));
  }

  /**
   * The session host restarts (killed here): its sessions are gone, the keeper's too, which redials
   * in vain. The next et logs in with ssh at once (the keeper, not connected, answers nothing), its
   * session connects, and the agent replaces the keeper, so the et after that needs no ssh again.
   */
  @Test
  void aKeeperWhoseHostRestartedIsReplacedOnceARunReachesTheNewHost() throws Exception {
    Path home = Files.createDirectories(base.resolve("restart-home"));
    Process restarting = startAgent(home);
    try {
      Path sshLog = home.resolve("ssh-invocations");
      Path ssh = host.sshNotingTo(home.resolve("ssh-noting"), sshLog);
      List<String> command = RemoteHost.etCommandAs(host.sshd().user(), ssh.toString(), host.wrapper().toString(),
          "-c", "echo RESTART-RAN; exit 5");
      runToItsEnd(command, home);
      Await.until("the agent's keeper to offer its session", DEADLINE, () -> keepersOffered(home) == 1, () -> agentOutput(home));

      ProcessHandle first = host.sessionHost().orElseThrow();
      first.destroyForcibly();
      Await.until("the session host to be gone", DEADLINE, () -> !first.isAlive());
      runToItsEnd(command, home);
      assertEquals(2, host.logins(sshLog), "ssh logins: " + Files.readAllLines(sshLog));
      Await.until("a new keeper to offer its session", DEADLINE, () -> keepersOffered(home) == 2, () -> agentOutput(home));

      runToItsEnd(command, home);
      assertEquals(2, host.logins(sshLog), "ssh logins: " + Files.readAllLines(sshLog));
    } finally {
      restarting.destroy();
      restarting.waitFor();
    }
  }

  /** Runs {@code command} on a new terminal with HOME {@code home} to its end: status 5 after RESTART-RAN. */
  private void runToItsEnd(List<String> command, Path home) throws Exception {
    et = PtyEt.start(command, home, 80, 24);
    PtyEt.Ending ending = et.awaitEnding(DEADLINE);
    assertEquals(5, ending.status(), Escaped.of(et.screen().since(0)));
    assertTrue(et.screen().since(0).contains("RESTART-RAN"), Escaped.of(et.screen().since(0)));
    et.close();
  }

  /** How many keepers the agent of {@code home} has offered a session through, by its log. */
  private static long keepersOffered(Path home) {
    try {
      String log = Files.readString(home.resolve(".et").resolve("agent.log"));
      return log.lines().filter(line -> line.contains("et agent: keeping a session to offer on ")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> shareSockets() {
    Path directory = base.resolve(".et").resolve("share");
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (var files = Files.list(directory)) {
      return files.filter(file -> file.toString().endsWith(".sock")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether a share socket not among {@code before} is there, offered by the agent's keeper. */
  private static boolean keeperOffers(List<Path> before) {
    try {
      String log = Files.readString(base.resolve(".et").resolve("agent.log"));
      return shareSockets().stream().anyMatch(socket -> !before.contains(socket)
          && log.contains("keeping a session to offer on " + socket));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aCommandLineTheAgentDoesNotServeRunsTheWholeClientOnTheSameTerminal() throws Exception {
    startEt("-v");
    Await.until("the whole client", DEADLINE, () -> runs("et.client.Main"), () -> programsOnTheTerminal().toString());
    exitWith(3);
  }

  @Test
  void aLoginWhereSshWouldAskRunsTheWholeClientAndShowsNothingOfTheAgentsTry() throws Exception {
    // ssh in batch mode (the agent's) fails as it does where a password is needed.
    Path ssh = host.sshAfter(base.resolve("ssh-asking"),
        "case \"$*\" in *BatchMode=yes*) echo 'user@host: Permission denied (password).' >&2; exit 255 ;; esac");
    List<String> command = RemoteHost.etCommandAs(host.sshd().user(), ssh.toString(), host.wrapper().toString());
    et = PtyEt.start(command, base, 80, 24);
    et.screen().await(PROMPT, 0, DEADLINE);
    assertTrue(runs("et.client.Main"), programsOnTheTerminal().toString());
    et.type("exit 4\r");
    PtyEt.Ending ending = et.awaitEnding(DEADLINE);
    assertEquals(4, ending.status());
    assertFalse(et.screen().since(0).contains("Permission denied"), Escaped.of(et.screen().since(0)));
  }

  /**
   * Ctrl-Z while the agent's ssh logs in (the terminal still in its normal mode) does not stop the
   * thin client: stopped, it would give the terminal back to the shell while the agent goes on.
   */
  @Test
  void ctrlZDuringTheAgentsLoginLeavesTheEtRunning() throws Exception {
    Path loggingIn = base.resolve("ssh-logging-in");
    Path ssh = host.sshAfter(base.resolve("ssh-slow"),
        "case \"$*\" in *etterminal*) touch '" + loggingIn + "'; sleep 2 ;; esac");
    List<String> command = RemoteHost.etCommandAs(host.sshd().user(), ssh.toString(), host.wrapper().toString(),
        "--no-share", "-c", "echo SUSPEND-RAN; exit 6");
    et = PtyEt.start(command, base, 80, 24, true);
    Await.until("the agent's ssh to log in", DEADLINE, () -> Files.exists(loggingIn), () -> agentOutput(base));
    et.type("\u001a");
    PtyEt.Ending ending = et.awaitEnding(DEADLINE);
    assertEquals(6, ending.status(), Escaped.of(et.screen().since(0)));
    assertTrue(et.screen().since(0).contains("SUSPEND-RAN"), Escaped.of(et.screen().since(0)));
  }

  /**
   * Started in the background ({@code et host &}), the thin et hands nothing to the agent, which
   * would read keys meant for the shell: the whole client runs, stopped by the shell until fg.
   */
  @Test
  void anEtStartedInTheBackgroundRunsTheWholeClientWhichWaitsForFg() throws Exception {
    Path go = base.resolve("go-fg");
    et = PtyEt.startInBackground(host.etCommand(), base, 80, 24, go);
    Await.until("the whole client, stopped in the background", DEADLINE,
        () -> et.processesWith("et.client.Main").stream().anyMatch(Processes::isStopped),
        () -> programsOnTheTerminal().toString());
    Files.createFile(go);
    et.screen().await(PROMPT, 0, DEADLINE);
    exitWith(5);
  }

  /**
   * A thin et stopped from outside and continued in the foreground (kill -STOP, then fg): the shell
   * put the terminal in its normal mode meanwhile; the agent, told of the continue, makes it raw again.
   */
  @Test
  void aThinEtStoppedAndContinuedGetsItsTerminalBackInRawMode() throws Exception {
    startEt();
    ProcessHandle thin = thinClient();
    Path tty = TtyModes.stdinOf(thin);
    Await.until("raw mode", DEADLINE, () -> TtyModes.isRaw(tty));

    TtyModes.stopAndContinue(thin, tty, DEADLINE);

    Await.until("raw mode again", DEADLINE, () -> TtyModes.isRaw(tty));
    exitWith(9);
  }

  /**
   * A thin et stopped from outside cannot tell the agent; the agent leaves the keys typed meanwhile
   * to the shell that took the terminal (they wait for it in the terminal while it does something
   * else), and takes them again once fg has continued the thin et.
   */
  @Test
  void keysTypedWhileAThinEtIsStoppedFromOutsideGoToTheShell() throws Exception {
    Path typed = base.resolve("keys-typed");
    Path fg = base.resolve("go-fg-after-stop");
    et = PtyEt.startAsJob(host.etCommand(), base, 80, 24, "; " + ShellWords.awaitFile(typed)
        + "; read line; echo \"LOCAL-GOT-$line\"; " + ShellWords.awaitFile(fg) + "; fg");
    et.screen().await(PROMPT, 0, DEADLINE);
    ProcessHandle thin = thinClient();
    Path tty = TtyModes.stdinOf(thin);
    Processes.stop(thin, DEADLINE);

    // A command for the session, were the agent to read it; \n: this job shell left the terminal raw.
    et.type("echo REMOTE-$((6 * 7))\n");
    Files.createFile(typed);
    et.screen().await("LOCAL-GOT-echo REMOTE-$((6 * 7))", 0, DEADLINE);

    Files.createFile(fg);
    Await.until("raw mode again", DEADLINE, () -> TtyModes.isRaw(tty));
    int mark = et.screen().length();
    et.type("echo BACK-$((6 * 7))\r");
    et.screen().await("BACK-42", mark, DEADLINE);
    et.type("exit 7\r");
    // Not the settings after: this job shell (not interactive) left the terminal raw when the job
    // was stopped, and so puts raw mode back when fg's job ends.
    assertEquals(7, et.awaitEnding(DEADLINE).status());
  }

  /**
   * ~^Z through the agent: the thin et stops itself and the agent gives the terminal back as it
   * found it, holding the session's output meanwhile; continued, all of it shows in raw mode.
   */
  @Test
  void tildeCtrlZSuspendsAThinEtAndHoldsTheSessionsOutputUntilItIsContinued() throws Exception {
    CapturedOutput screen = startEt();
    ProcessHandle thin = thinClient();
    Path tty = TtyModes.stdinOf(thin);
    Path done = base.resolve("held-output-written");
    et.type("sleep 1; echo HELD-$((6 * 7)); touch " + done + "\r~\u001a");
    Await.until("the thin et stopped", DEADLINE, () -> Processes.isStopped(thin));
    assertFalse(TtyModes.isRaw(tty), "suspended in raw mode");
    Await.until("the remote command done", DEADLINE, () -> Files.exists(done));
    assertFalse(Poll.until(Duration.ofMillis(500), () -> screen.since(0).contains("HELD-42")),
        "output shown while suspended: " + Escaped.of(screen.since(0)));

    Processes.signal(thin, "CONT");
    screen.await("HELD-42", 0, DEADLINE);
    Await.until("raw mode again", DEADLINE, () -> TtyModes.isRaw(tty));
    exitWith(8);
  }

  /**
   * ~^Z, then bg, then fg, through the agent: in the background the terminal stays the shell's
   * (fg of a running job sends no SIGCONT: the thin et sees the foreground come back itself).
   */
  @Test
  void aThinEtSuspendedPutInTheBackgroundAndBroughtBackGoesOn() throws Exception {
    Path bg = base.resolve("go-bg");
    Path fg = base.resolve("go-fg-again");
    et = PtyEt.startAsJob(host.etCommand(), base, 80, 24,
        "; " + ShellWords.awaitFile(bg) + "; bg; " + ShellWords.awaitFile(fg) + "; fg");
    et.screen().await(PROMPT, 0, DEADLINE);
    ProcessHandle thin = thinClient();
    Path tty = TtyModes.stdinOf(thin);
    et.type("~\u001a");
    Await.until("the thin et stopped", DEADLINE, () -> Processes.isStopped(thin));
    Files.createFile(bg);
    Await.until("the thin et running in the background", DEADLINE, () -> !Processes.isStopped(thin));
    assertFalse(TtyModes.isRaw(tty), "raw mode while in the background");

    Files.createFile(fg);
    Await.until("raw mode again", DEADLINE, () -> TtyModes.isRaw(tty));
    exitWith(6);
  }

  @Test
  void aHangUpEndsTheSessionInTheAgentWhichGoesOnServing() throws Exception {
    startEtAwaiting("HUP-READY", "-c", "echo HUP-READY; exec sleep 600");
    ProcessHandle thin = thinClient();
    thin.destroy(); // SIGTERM, passed on to the agent
    assertEndedWithTheTerminalRestored(128 + 15);
    et.close();

    startEt();
    assertTrue(runs("et.client.thin.ThinClient"), programsOnTheTerminal().toString());
    et.type("exit 0\r");
    assertEquals(0, et.awaitEnding(DEADLINE).status());
  }

  @Test
  void stoppingTheAgentEndsTheSessionsItRunsWithTheirTerminalsRestored() throws Exception {
    Path home = Files.createDirectories(base.resolve("stopping-home"));
    Process stopping = startAgent(home);
    try {
      et = PtyEt.start(host.etCommand("-c", "echo STOP-READY; exec sleep 600"), home, 80, 24);
      et.screen().await("STOP-READY", 0, DEADLINE);
      assertTrue(runs("et.client.thin.ThinClient"), programsOnTheTerminal().toString());
      stopping.destroy(); // SIGTERM, as et-agent --stop sends
      assertEndedWithTheTerminalRestored(128 + 15);
      assertTrue(stopping.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "the agent did not exit");
      assertFalse(Files.exists(socket(home)), "the stopped agent left its socket");
    } finally {
      stopping.destroy();
      stopping.waitFor();
    }
  }

  @Test
  void etAgentStartsInTheBackgroundOnceSaysWhereAndStops() throws Exception {
    Path home = Files.createDirectories(base.resolve("control-home"));
    List<String> agentCommand = List.of("/usr/bin/env", "-u", "XDG_RUNTIME_DIR", "HOME=" + home,
        RemoteHost.REPO.resolve("launcher/et-agent").toString());
    try {
      CommandResult started = Commands.run(agentCommand, DEADLINE);
      assertEquals(0, started.status(), started.toString());
      assertEquals("et-agent: serving on " + socket(home) + "\n", started.stdout(), started.toString());
      assertTrue(Files.exists(socket(home)));
      CommandResult again = Commands.run(agentCommand, DEADLINE);
      assertTrue(again.stdout().startsWith("et-agent: already running ("), again.toString());
      CommandResult status = Commands.run(with(agentCommand, "--status"), DEADLINE);
      assertEquals(0, status.status(), status.toString());
      assertTrue(status.stdout().endsWith(" serving on " + socket(home) + "\n"), status.toString());
    } finally {
      assertEquals(0, Commands.run(with(agentCommand, "--stop"), DEADLINE).status());
    }
    Await.until("the agent to stop", DEADLINE, () -> !Files.exists(socket(home)), () -> agentOutput(home));
    CommandResult stopped = Commands.run(with(agentCommand, "--status"), DEADLINE);
    assertEquals(1, stopped.status(), stopped.toString());
    assertEquals("et-agent: not running\n", stopped.stdout(), stopped.toString());
    assertEquals("", stopped.stderr(), stopped.toString());
  }

  private static List<String> with(List<String> command, String option) {
    return java.util.stream.Stream.concat(command.stream(), java.util.stream.Stream.of(option)).toList();
  }

  @Test
  void aSocketNobodyServesMeansTheWholeClient() throws Exception {
    Path stale = base.resolve("stale-home");
    Path directory = Files.createDirectories(stale.resolve(".et"));
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
    try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      gone.bind(UnixDomainSocketAddress.of(directory.resolve("agent.sock")));
    }
    assertTrue(Files.exists(directory.resolve("agent.sock")));
    et = PtyEt.start(host.etCommand(), stale, 80, 24);
    et.screen().await(PROMPT, 0, DEADLINE);
    assertTrue(runs("et.client.Main"), programsOnTheTerminal().toString());
    et.type("exit 5\r");
    assertEquals(5, et.awaitEnding(DEADLINE).status());
  }
}
