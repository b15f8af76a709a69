package et.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.WinSize;
import et.client.term.StatusLine;
import et.client.term.TerminalSize;
import et.client.testing.ClientJvm;
import et.client.testing.DroppingProxy;
import et.client.testing.FakeSsh;
import et.client.testing.InProcessHost;
import et.core.Channel;
import et.core.SessionEnd;
import et.terminal.BootstrapRequest;
import et.terminal.ResizeEvent;
import et.terminal.TerminalChannels;
import et.testkit.Await;
import et.testkit.CapturedOutput;
import et.testkit.Escaped;
import et.testkit.Processes;
import et.testkit.ShellWords;
import et.testkit.ThreadDump;
import et.testkit.TtyModes;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The et client as a real process on a real terminal: bash runs in a PTY (pty4j) and starts et (a
 * child JVM running et.client.Main), between two {@code stty -a}. The test types on the PTY's
 * master side and reads what appears there, plays ssh with a fake script, and plays the session
 * host with an in-process EternalServer.
 */
@EnabledOnOs(OS.LINUX)
class TerminalModeTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final Pattern STTY = Pattern.compile("__STTY_BEFORE__(.*)__RUN__.*__EXIT=(\\d+)__(.*)__STTY_AFTER__", Pattern.DOTALL);

  @TempDir
  Path dir;

  private PtyProcess pty;

  @AfterEach
  void closePty() {
    if (pty != null) {
      pty.destroyForcibly();
    }
  }

  @Test
  void keysScreenResizeAndTildeDotOnARawTerminalThatIsRestoredAfterwards() throws Exception {
    try (InProcessHost host = InProcessHost.start()) {
      FakeSsh fake = FakeSsh.in(dir);
      CapturedOutput screen = startEt(fake.answering(host.session().credentials(), host.port()), 100, 30);

      Channel resize = host.channel(TerminalChannels.RESIZE, DEADLINE);
      assertEquals(new ResizeEvent(100, 30), readResize(resize), "the first resize event is the PTY's size");
      Channel terminal = host.channel(TerminalChannels.TERMINAL, DEADLINE);
      BootstrapRequest request = BootstrapRequest.parse(fake.request());
      assertEquals(List.of("xterm-256color", "100", "30"), List.of(request.term(), "" + request.cols(), "" + request.rows()));
      assertEquals(Map.of("LANG", "C.UTF-8", "LC_TIME", "C.UTF-8"), request.env());

      // Raw mode: Ctrl-C and CR are plain bytes (no signal, no CR->LF), and nothing is echoed locally.
      type("hello\u0003\r");
      assertEquals("hello\u0003\r", read(terminal.input(), 7));
      terminal.output().write("remote says h\u00e9llo\r\n".getBytes(StandardCharsets.UTF_8));
      screen.await("remote says h\u00e9llo\r\n", DEADLINE);
      assertFalse(screen.text().contains("hello\u0003"), "echoed locally: " + Escaped.of(screen.text()));

      pty.setWinSize(new WinSize(120, 40)); // the kernel sends SIGWINCH to the PTY's foreground group
      assertEquals(new ResizeEvent(120, 40), readResize(resize));

      type("~?");
      screen.await("~.  - disconnect\r\n", DEADLINE);
      type("~.rm -rf /\r");
      assertTrue(host.session().awaitEnd(DEADLINE), "~. must close the session");
      assertEquals(SessionEnd.Cause.CLOSED_BY_PEER, host.session().end().cause());
      assertEquals(255, host.session().end().exitStatus());
      screen.await("__STTY_AFTER__", DEADLINE);
      assertTrue(screen.text().contains("et: session to 127.0.0.1 closed."), Escaped.of(screen.text()));
      assertRestored(screen.text(), 255);
      assertTrue(pty.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS));
    }
  }

  @Test
  void statusLineWhileDisconnectedKeepsWhatIsTypedAndEtExitsWithTheShellsStatus() throws Exception {
    try (InProcessHost host = InProcessHost.start(); DroppingProxy proxy = DroppingProxy.start(host.port())) {
      CapturedOutput screen = startEt(FakeSsh.in(dir).answering(host.session().credentials(), proxy.port()), 80, 24);
      host.channel(TerminalChannels.RESIZE, DEADLINE);
      Channel terminal = host.channel(TerminalChannels.TERMINAL, DEADLINE);
      terminal.output().write("prompt$ ".getBytes(StandardCharsets.US_ASCII));
      screen.await("prompt$ ", DEADLINE);

      proxy.drop();
      String status = StatusLine.reconnecting(Duration.ofSeconds(1), "Connection refused"); // the proxy stopped listening
      screen.await(new String(StatusLine.render(status, new TerminalSize(80, 24)), StandardCharsets.UTF_8),
          DEADLINE); // drawn, counting, and saying why
      type("typed during the outage\r");
      proxy.resume();

      assertEquals("typed during the outage\r", read(terminal.input(), 24), "kept and sent after the reconnect");
      String clear = new String(StatusLine.clear(new TerminalSize(80, 24)), StandardCharsets.UTF_8);
      screen.await(clear, DEADLINE);
      terminal.output().write("after\r\n".getBytes(StandardCharsets.US_ASCII));
      screen.await("after\r\n", DEADLINE);
      String shown = screen.text();
      assertTrue(shown.lastIndexOf(clear) > shown.lastIndexOf("reconnecting"), "the status line is cleared once connected");
      assertTrue(shown.indexOf(clear) < shown.indexOf("after\r\n"), "before the remote output goes on");

      host.session().close(3, "shell exited");
      screen.await("__STTY_AFTER__", DEADLINE);
      assertRestored(screen.text(), 3);
      assertTrue(screen.text().contains("after\r\n__EXIT=3__"), "no message when the shell ended: " + Escaped.of(screen.text()));
    }
  }

  /** SIGTERM (or SIGHUP) ends the JVM: its shutdown hook restores the terminal and closes the session. */
  @Test
  void sigtermRestoresTheTerminalAndClosesTheSession() throws Exception {
    try (InProcessHost host = InProcessHost.start()) {
      CapturedOutput screen = startEt(FakeSsh.in(dir).answering(host.session().credentials(), host.port()), 80, 24);
      host.channel(TerminalChannels.TERMINAL, DEADLINE);
      ProcessHandle et = etJvm();

      assertTrue(et.destroy(), "SIGTERM not sent");
      assertTrue(host.session().awaitEnd(DEADLINE), "the hook must close the session");
      assertEquals(SessionEnd.Cause.CLOSED_BY_PEER, host.session().end().cause());
      assertEquals(255, host.session().end().exitStatus());
      screen.await("__STTY_AFTER__", DEADLINE);
      assertRestored(screen.text(), 128 + 15);
    }
  }

  /**
   * Stopped from outside and continued (kill -STOP, then fg): the shell put the terminal back in
   * its normal mode meanwhile, as bash does when a job stops; et makes it raw again, so keys go to
   * the remote side as they are, and at its end restores the settings from before it started.
   */
  @Test
  void aStoppedAndContinuedEtPutsTheTerminalBackInRawMode() throws Exception {
    try (InProcessHost host = InProcessHost.start()) {
      RawEt et = startRawEt(host);
      TtyModes.stopAndContinue(et.jvm(), et.tty(), DEADLINE);
      assertRawAgainThenEnd(et);
    }
  }

  /**
   * ~^Z, as in ssh: et puts the terminal back as it found it and stops itself, so its shell gets
   * the terminal; continued (fg), it is raw again and the session goes on.
   */
  @Test
  void tildeCtrlZSuspendsEtUntilItIsContinued() throws Exception {
    try (InProcessHost host = InProcessHost.start()) {
      RawEt et = startRawEt(host);
      type("~\u001a");
      Await.until("et stopped", DEADLINE, () -> Processes.isStopped(et.jvm()));
      et.screen().await("~^Z [suspend et]\r\n", DEADLINE);
      List<String> suspended = TtyModes.of(et.tty());
      assertTrue(suspended.containsAll(List.of("icanon", "echo", "icrnl", "isig")), "suspended in raw mode: " + suspended);
      Processes.signal(et.jvm(), "CONT");
      assertRawAgainThenEnd(et); // the first key the host gets is the next one: nothing of the escape
    }
  }

  /**
   * Suspended with ~^Z and killed by its shell (kill %1: SIGTERM, then SIGCONT in the background),
   * et ends with the terminal as it found it, rather than stopping again at its exit's terminal writes.
   */
  @Test
  void aSuspendedEtKilledByItsShellEnds() throws Exception {
    try (InProcessHost host = InProcessHost.start()) {
      CapturedOutput screen = startEt(FakeSsh.in(dir).answering(host.session().credentials(), host.port()), 80, 24,
          "; kill %1; wait %1");
      host.channel(TerminalChannels.TERMINAL, DEADLINE);
      Path tty = TtyModes.stdinOf(etJvm());
      Await.until("et in raw mode", DEADLINE, () -> TtyModes.isRaw(tty));
      type("~\u001a");
      screen.await("__STTY_AFTER__", DEADLINE);
      assertRestored(screen.text(), 128 + 15);
      assertTrue(host.session().awaitEnd(DEADLINE), "the session must be closed");
    }
  }

  /** ~^Z, bg, fg: in the background et leaves the terminal to the shell; brought back, it is raw again. */
  @Test
  void aSuspendedEtPutInTheBackgroundAndBroughtBackGoesOn() throws Exception {
    Path bg = dir.resolve("go-bg");
    Path fg = dir.resolve("go-fg");
    try (InProcessHost host = InProcessHost.start()) {
      CapturedOutput screen = startEt(FakeSsh.in(dir).answering(host.session().credentials(), host.port()), 80, 24,
          "; " + ShellWords.awaitFile(bg) + "; bg; " + ShellWords.awaitFile(fg) + "; fg");
      Channel terminal = host.channel(TerminalChannels.TERMINAL, DEADLINE);
      ProcessHandle et = etJvm();
      Path tty = TtyModes.stdinOf(et);
      Await.until("et in raw mode", DEADLINE, () -> TtyModes.isRaw(tty));
      type("~\u001a");
      Await.until("et stopped", DEADLINE, () -> Processes.isStopped(et));
      Files.createFile(bg);
      Await.until("et running in the background", DEADLINE, () -> !Processes.isStopped(et));
      assertFalse(TtyModes.isRaw(tty), "raw mode while in the background");

      Files.createFile(fg);
      Await.until("raw mode again", DEADLINE, () -> TtyModes.isRaw(tty));
      type("abc\r");
      assertEquals("abc\r", read(terminal.input(), 4));
      type("~.");
      screen.await("__STTY_AFTER__", DEADLINE);
      assertRestored(screen.text(), 255);
    }
  }

  /** et on the PTY, its terminal channel at the host, its JVM and its terminal device, once raw. */
  private record RawEt(CapturedOutput screen, Channel terminal, ProcessHandle jvm, Path tty) {}

  private RawEt startRawEt(InProcessHost host) throws Exception {
    CapturedOutput screen = startEt(FakeSsh.in(dir).answering(host.session().credentials(), host.port()), 80, 24);
    Channel terminal = host.channel(TerminalChannels.TERMINAL, DEADLINE);
    ProcessHandle jvm = etJvm();
    Path tty = TtyModes.stdinOf(jvm);
    Await.until("et in raw mode", DEADLINE, () -> TtyModes.isRaw(tty));
    return new RawEt(screen, terminal, jvm, tty);
  }

  /** Raw mode comes back, keys reach the host as typed and are not echoed, and ~. ends et with the terminal restored. */
  private void assertRawAgainThenEnd(RawEt et) throws Exception {
    Await.until("raw mode again", DEADLINE, () -> TtyModes.isRaw(et.tty()));
    type("abc\r");
    assertEquals("abc\r", read(et.terminal().input(), 4));
    type("~.");
    et.screen().await("__STTY_AFTER__", DEADLINE);
    assertFalse(et.screen().text().contains("abc"), "echoed locally: " + Escaped.of(et.screen().text()));
    assertRestored(et.screen().text(), 255);
  }

  /**
   * Ctrl-C while ssh waits (for a password, say): the terminal is in its normal mode, so et gets
   * SIGINT, exits 130 through its shutdown hooks, and leaves the terminal exactly as it was (jline's
   * own hook alone would not: it drops the line speed).
   */
  @Test
  void ctrlCDuringTheBootstrapLeavesTheTerminalAsItWas() throws Exception {
    FakeSsh fake = FakeSsh.in(dir);
    CapturedOutput screen = startEt(fake.script("ssh-waits", "sleep 20"), 80, 24);
    Await.until("the request at the fake ssh", DEADLINE, () -> Files.exists(dir.resolve("stdin-after")));
    type("\u0003");
    screen.await("__STTY_AFTER__", DEADLINE);
    assertRestored(screen.text(), 128 + 2);
  }

  @Test
  void theClientsSessionRunsAsOneTreeOfTasks() throws Exception {
    try (InProcessHost host = InProcessHost.start()) {
      CapturedOutput screen = startEt(FakeSsh.in(dir).answering(host.session().credentials(), host.port()), 80, 24);
      host.channel(TerminalChannels.RESIZE, DEADLINE);
      Channel terminal = host.channel(TerminalChannels.TERMINAL, DEADLINE);
      terminal.output().write("prompt$ ".getBytes(StandardCharsets.US_ASCII));
      screen.await("prompt$ ", DEADLINE);
      ProcessHandle et = etJvm();
      Path javaHome = Path.of(System.getProperty("java.home"));
      String session = host.session().toString(); // the client names its session alike: "session 3f2a"
      Set<String> roles = Set.of("reconnect", "socket-read", "socket-write", "keepalive", "keyboard", "screen", "resize",
          "status", "session-end");
      AtomicReference<ThreadDump> last = new AtomicReference<>();
      Await.until("the client's session runs " + roles + " in its tree", DEADLINE, () -> {
        ThreadDump dump = threadsOf(javaHome, et);
        last.set(dump);
        return rolesIn(dump, session).containsAll(roles);
      }, () -> "last thread dump:\n" + last.get());

      ThreadDump dump = last.get();
      ThreadDump.Container root = dump.only("et").orElseThrow(() -> new AssertionError(dump.toString()));
      ThreadDump.Container tree = dump.only(session).orElseThrow(() -> new AssertionError(dump.toString()));
      assertTrue(dump.isWithin(tree, root), "the session's group inside the client's:\n" + dump);
      List<String> outside = dump.threadsOutside(tree, name -> name.startsWith(session + " "));
      assertEquals(List.of(), outside, "the session's threads outside its tree:\n" + dump);
      List<String> loose = dump.threadsOutside(root, name -> name.startsWith("session ") || name.startsWith("et ")).stream()
          .filter(name -> !name.equals(dump.ownerName(root)))
          .toList();
      assertEquals(List.of(), loose, "the client's threads outside its tree:\n" + dump);

      type("~.");
      screen.await("__STTY_AFTER__", DEADLINE);
      assertRestored(screen.text(), 255);
    }
  }

  private static ThreadDump threadsOf(Path javaHome, ProcessHandle process) {
    try {
      return ThreadDump.ofProcess(javaHome, process.pid());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** et's JVM: the java process under the PTY's bash. */
  private ProcessHandle etJvm() {
    return ProcessHandle.of(pty.pid()).orElseThrow().descendants()
        .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
        .findFirst().orElseThrow(() -> new AssertionError("et's JVM not found under the PTY's bash"));
  }

  /** The roles of the threads in {@code session}'s group and below ("session 3f2a screen": "screen"). */
  private static Set<String> rolesIn(ThreadDump dump, String session) {
    return dump.only(session).map(dump::threadsWithin).orElse(List.of()).stream()
        .filter(name -> name.startsWith(session + " "))
        .map(name -> name.substring(session.length() + 1))
        .collect(Collectors.toSet());
  }

  /** Starts bash in a PTY of {@code cols}x{@code rows}: stty -a, et with {@code ssh}, its status, stty -a. */
  private CapturedOutput startEt(Path ssh, int cols, int rows) throws IOException {
    return startEt(ssh, cols, rows, "");
  }

  /**
   * As {@link #startEt(Path, int, int)}; {@code afterEt} runs between et's end (or stop) and its
   * status. Any {@code afterEt} runs et as a job (bash's set -m): once et stops, the script goes on.
   */
  private CapturedOutput startEt(Path ssh, int cols, int rows, String afterEt) throws IOException {
    String et = ClientJvm.command("--ssh", ssh.toString(), "127.0.0.1").stream()
        .map(ShellWords::quote).collect(Collectors.joining(" "));
    // trap: Ctrl-C ends et (and the fake ssh) but not this script, which goes on to the last stty.
    String script = (afterEt.isEmpty() ? "" : "set -m; ") + "trap true INT; echo __STTY_BEFORE__; stty -a; echo __RUN__; "
        + et + afterEt + "; echo \"__EXIT=$?__\"; stty -a; echo __STTY_AFTER__";
    pty = new PtyProcessBuilder(new String[] {"/bin/bash", "--noprofile", "--norc", "-c", script})
        .setEnvironment(Map.of(
            "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
            "HOME", dir.toString(),
            "TERM", "xterm-256color",
            "LANG", "C.UTF-8",
            "LC_TIME", "C.UTF-8"))
        .setDirectory(dir.toString())
        .setInitialColumns(cols)
        .setInitialRows(rows)
        .setConsole(false)
        .start();
    return new CapturedOutput(StandardCharsets.UTF_8).readFrom(pty.getInputStream(), "pty screen");
  }

  /** The terminal's settings after et are those before it (but the size, which the test changes). */
  private static void assertRestored(String shown, int expectedStatus) {
    Matcher m = STTY.matcher(shown);
    assertTrue(m.find(), "stty output not found: " + Escaped.of(shown));
    assertEquals(expectedStatus, Integer.parseInt(m.group(2)), "et's exit status");
    String before = withoutSize(m.group(1));
    String after = withoutSize(m.group(3));
    assertTrue(List.of(before.split("\\s+")).containsAll(List.of("icanon", "echo", "isig", "icrnl", "opost")),
        "precondition: a cooked terminal before et: " + before);
    assertEquals(before, after, "termios after et");
  }

  /** stty's settings without the size, and its line breaks (it fills lines to the terminal's width). */
  private static String withoutSize(String stty) {
    return stty.replaceAll("rows \\d+; columns \\d+;", "").replaceAll("\\s+", " ").strip();
  }

  private void type(String keys) throws IOException {
    OutputStream master = pty.getOutputStream();
    master.write(keys.getBytes(StandardCharsets.UTF_8));
    master.flush();
  }

  /** The next resize event; bounded, since a client that misses SIGWINCH sends none. */
  private static ResizeEvent readResize(Channel resize) {
    return assertTimeoutPreemptively(DEADLINE, () -> {
      DataInputStream in = new DataInputStream(resize.input());
      return new ResizeEvent(in.readUnsignedShort(), in.readUnsignedShort());
    }, "no resize event");
  }

  /** Reads exactly {@code n} bytes (the channel blocks; the session's own deadlines bound it). */
  private static String read(InputStream in, int n) throws IOException {
    byte[] bytes = in.readNBytes(n);
    assertEquals(n, bytes.length, "channel ended early");
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
