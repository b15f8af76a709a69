package et.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.client.cli.ClientOptions;
import et.client.cli.LogSettings;
import et.client.cli.HostAction;
import et.client.cli.Route;
import et.client.term.TerminalSize;
import et.client.testing.FakeSsh;
import et.core.SessionCredentials;
import et.core.task.TaskGroup;
import et.testkit.Poll;
import et.terminal.BootstrapReply;
import et.terminal.BootstrapRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ssh bootstrap against a fake ssh (a bash script that plays ssh and etterminal): the request
 * it gets, the answer found among noise, and what the user reads and et exits with for each way
 * the bootstrap fails (docs/TERMINAL.md, "Clear errors from the client").
 */
class BootstrapTest {
  /** The group the readers of ssh's output run in, as the client run's would. */
  private static final TaskGroup TASKS = TaskGroup.startRoot("test");


  @TempDir
  Path dir;

  /** What one run of et printed and returned. */
  record Run(int status, String err, String sshStderr, String stdout) {}

  @Test
  void findsTheAnswerAmidNoiseAndSendsOneLineThenEndOfInput() throws Exception {
    FakeSsh fake = FakeSsh.in(dir);
    SessionCredentials credentials = SessionCredentials.generate();
    ClientOptions options = options(fake.answering(credentials, 40123), Optional.of("make -j4 'all tests'"), true);
    Map<String, String> environment = Map.of(
        "TERM", "screen-256color", "LANG", "C.UTF-8", "LC_TIME", "en_GB.UTF-8", "LC_ALL", "C.UTF-8",
        "HOME", "/home/someone", "API_TOKEN", "never-sent");
    BootstrapRequest request = Bootstrap.request(options, new TerminalSize(132, 43), environment, false);

    BootstrapReply.Session reply = new Bootstrap(options, LocalProcesses.OF_THIS_PROCESS, new ByteArrayOutputStream(), line -> { }, TASKS)
        .answer(request, BootstrapReply.Session.class);

    assertEquals(new BootstrapReply.Session(request.nonce(), credentials, 40123), reply);
    BootstrapRequest received = BootstrapRequest.parse(fake.request());
    assertEquals(request.nonce(), received.nonce());
    assertEquals("screen-256color", received.term());
    assertEquals(List.of(132, 43), List.of(received.cols(), received.rows()));
    assertEquals(Optional.of("make -j4 'all tests'"), received.command());
    assertTrue(received.noexit());
    assertEquals(List.of("LANG=C.UTF-8", "LC_ALL=C.UTF-8", "LC_TIME=en_GB.UTF-8"),
        received.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList(),
        "LANG, then LC_* in name order, nothing else");
    assertEquals("eof", fake.stdinAfterRequest(), "ssh's stdin must end right after the one line");
    assertEquals(List.of("-T", "-a", "-x", "-o", "ClearAllForwardings=yes", "127.0.0.1", "--", "etterminal"), fake.argv());
  }

  /**
   * ssh runs before the request exists (it connects and logs in while et prepares the request),
   * and the answer is taken without waiting for ssh to exit.
   */
  @Test
  void sshStartsBeforeTheRequestAndItsExitIsNotAwaited() throws Exception {
    SessionCredentials credentials = SessionCredentials.generate();
    Path script = FakeSsh.in(dir).script("ssh-lingering", """
        echo "ET1 SESSION nonce=$nonce id=%s secret=%s port=40123"
        sleep 3
        touch "$dir/exited"
        """.formatted(credentials.id(), credentials.encodedSecret()));
    ClientOptions options = options(script, Optional.empty(), false);
    Bootstrap bootstrap = new Bootstrap(options, LocalProcesses.OF_THIS_PROCESS, new ByteArrayOutputStream(), line -> { }, TASKS);

    try (Bootstrap.Running ssh = bootstrap.start()) {
      assertTrue(Poll.until(Duration.ofSeconds(10), () -> Files.exists(dir.resolve("argv"))),
          "ssh runs before there is a request");
      BootstrapRequest request = Bootstrap.request(options, new TerminalSize(80, 24), Map.of(), false);
      BootstrapReply.Session reply = ssh.answer(request, BootstrapReply.Session.class);
      assertEquals(new BootstrapReply.Session(request.nonce(), credentials, 40123), reply);
      assertFalse(Files.exists(dir.resolve("exited")), "the answer came without waiting for ssh's exit");
    }
    assertTrue(Poll.until(Duration.ofSeconds(10), () -> Files.exists(dir.resolve("exited"))),
        "ssh, left to exit on its own, does");
  }

  /** A bootstrap given up before its request (e.g. the terminal could not be set up) stops ssh. */
  @Test
  void closingBeforeTheAnswerStopsSsh() throws Exception {
    Path script = FakeSsh.in(dir).failingAtOnce("ssh-waiting", "echo $$ > \"" + dir + "/pid.tmp\"; mv \"" + dir + "/pid.tmp\" \"" + dir + "/pid\"; exec sleep 30");
    ClientOptions options = options(script, Optional.empty(), false);
    try (Bootstrap.Running ssh = new Bootstrap(options, LocalProcesses.OF_THIS_PROCESS, new ByteArrayOutputStream(), line -> { }, TASKS).start()) {
      assertTrue(Poll.until(Duration.ofSeconds(10), () -> Files.exists(dir.resolve("pid"))), "ssh started");
    }
    long pid = Long.parseLong(Files.readString(dir.resolve("pid")).strip());
    assertTrue(Poll.until(Duration.ofSeconds(10), () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)),
        "ssh is stopped");
  }

  @Test
  void requestFallsBackToAUsableTermAndSize() {
    ClientOptions options = options(Path.of("ssh"), Optional.empty(), false);
    BootstrapRequest noTerm = Bootstrap.request(options, new TerminalSize(0, 0), Map.of(), true);
    assertEquals("xterm-256color", noTerm.term());
    assertEquals(List.of(80, 24), List.of(noTerm.cols(), noTerm.rows()));
    assertEquals(Map.of(), noTerm.env());
    assertTrue(noTerm.forwardAgent());

    BootstrapRequest oddTerm = Bootstrap.request(options, new TerminalSize(20_000, 5), Map.of("TERM", "xterm 256"), false);
    assertEquals("xterm-256color", oddTerm.term());
    assertFalse(oddTerm.forwardAgent());
    assertEquals(List.of(BootstrapRequest.MAX_SIZE, 5), List.of(oddTerm.cols(), oddTerm.rows()));
  }

  @Test
  void sshsOwnFailureIsShownAndEtExitsWithItsStatus() throws Exception {
    Path ssh = FakeSsh.in(dir).failingAtOnce("ssh-refused",
        "echo 'ssh: connect to host x port 22: Connection refused' >&2; exit 255");
    Run run = et(ssh);
    assertEquals(255, run.status());
    assertEquals("ssh: connect to host x port 22: Connection refused\n", run.sshStderr(), "ssh's stderr, as it came");
    assertEquals("et: ssh to x failed (exit status 255): ssh: connect to host x port 22: Connection refused\n", run.err());
  }

  @Test
  void exit127MeansEtterminalIsMissing() throws Exception {
    Path ssh = FakeSsh.in(dir).script("ssh-127", "echo 'bash: line 1: etterminal: command not found' >&2; exit 127");
    Run run = et(ssh);
    assertEquals(1, run.status());
    assertEquals("bash: line 1: etterminal: command not found\n", run.sshStderr());
    assertEquals("et: etterminal not found on x (set --terminal-path)\n", run.err());
  }

  @Test
  void aShellsNotFoundMessageForTheTerminalPathMeansItIsMissing() throws Exception {
    // dash says "not found" (and exits 127, but the message alone must be enough), naming the path.
    Path ssh = FakeSsh.in(dir).script("ssh-dash",
        "echo 'no such identity: /home/u/.ssh/id_rsa: No such file or directory' >&2\n"
            + "echo 'sh: 1: /opt/et/etterminal: not found' >&2; exit 2");
    Run run = et(ssh, "--terminal-path", "/opt/et/etterminal");
    assertEquals(1, run.status());
    assertEquals("et: /opt/et/etterminal not found on x (set --terminal-path)\n", run.err());
  }

  @Test
  void anErrorAnswerIsARefusalWithTheReasonEscaped() throws Exception {
    Path ssh = FakeSsh.in(dir).script("ssh-error",
        "echo \"ET1 ERROR nonce=$nonce reason=cannot%20start%20the%20session%20host%3A%20%1B%5B31mdisk%20full\"; exit 1");
    Run run = et(ssh);
    assertEquals(1, run.status());
    assertEquals("et: x refused: cannot start the session host: \\x1b[31mdisk full\n", run.err());
  }

  @Test
  void noAnswerSaysSoWithWhatSshAndTheRemoteSaid() throws Exception {
    Path ssh = FakeSsh.in(dir).script("ssh-silent", """
        echo 'Last login: yesterday'
        printf 'motd with \\033]0;a title\\007\\n'
        echo 'bash: warning: setlocale: LC_ALL: cannot change locale' >&2
        exit 0""");
    Run run = et(ssh);
    assertEquals(1, run.status());
    assertEquals("""
        et: etterminal on x did not answer (ssh exited with status 0)
          ssh's stderr ended with: bash: warning: setlocale: LC_ALL: cannot change locale
          its output ended with:
            Last login: yesterday
            motd with \\x1b]0;a title\\x07
        """, run.err());
  }

  @Test
  void aMalformedAnswerWithOurNonceIsAnError() throws Exception {
    Path ssh = FakeSsh.in(dir).script("ssh-malformed", "echo \"ET1 SESSION nonce=$nonce id=zz port=1\"; exit 0");
    Run run = et(ssh);
    assertEquals(1, run.status());
    assertTrue(run.err().startsWith("et: x: etterminal sent a malformed answer: "), run.err());
  }

  @Test
  void anSshThatCannotRunIsReported() throws Exception {
    Run run = et(dir.resolve("no-such-ssh"));
    assertEquals(1, run.status());
    assertTrue(run.err().startsWith("et: cannot run " + dir.resolve("no-such-ssh") + ": "), run.err());
  }

  /**
   * Something ssh started keeps its stdout open after ssh exited (as a ControlPersist master may):
   * et stops waiting after a grace period instead of hanging.
   */
  @Test
  void anSshWhoseStdoutOutlivesItDoesNotHangEt() throws Exception {
    Path ssh = FakeSsh.in(dir).script("ssh-leaves-stdout-open",
        "sleep 20 2>/dev/null </dev/null & echo $! > \"$dir/pid\"; exit 0");
    try {
      long start = System.nanoTime();
      Run run = et(ssh);
      assertEquals(1, run.status());
      assertEquals("""
          et: etterminal on x did not answer (ssh exited with status 0)
            ssh's stdout stayed open after ssh exited
          """, run.err());
      assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(10)) < 0);
    } finally {
      ProcessHandle.of(Long.parseLong(Files.readString(dir.resolve("pid")).strip())).ifPresent(ProcessHandle::destroy);
    }
  }

  /** Runs et through Main.run, as the entry point does, in pipe mode on the test's own streams. */
  private static Run et(Path ssh, String... more) {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    LocalStreams local = new LocalStreams(new ByteArrayInputStream(new byte[0]), stdout, stderr, Map.of(), false);
    StringWriter err = new StringWriter();
    String[] args = new String[more.length + 3];
    args[0] = "--ssh";
    args[1] = ssh.toString();
    System.arraycopy(more, 0, args, 2, more.length);
    args[args.length - 1] = "x";
    int status = Main.run(args, new PrintWriter(new StringWriter()), new PrintWriter(err), new RemoteSession(LocalSide.ofThisProcess(local)));
    assertArrayEquals(new byte[0], stdout.toByteArray(), "nothing on stdout");
    return new Run(status, err.toString(), stderr.toString(StandardCharsets.UTF_8), stdout.toString(StandardCharsets.UTF_8));
  }

  private static ClientOptions options(Path ssh, Optional<String> command, boolean noexit) {
    return new ClientOptions(Optional.empty(), "127.0.0.1", OptionalInt.empty(), command, noexit,
        List.of(ssh.toString()), List.of(), "etterminal", Duration.ofSeconds(1), Duration.ofMinutes(10), LogSettings.QUIET, List.of(), List.of(), List.of(), false, false, Route.DIRECT, true, new HostAction.NewSession(false));
  }
}
