package et.server.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.Channel;
import et.core.EternalClient;
import et.core.Session;
import et.core.SessionEnd;
import et.server.request.HostLauncher;
import et.server.request.HostPaths;
import et.server.session.SessionCommand;
import et.terminal.BootstrapNonce;
import et.terminal.BootstrapReply;
import et.terminal.BootstrapRequest;
import et.terminal.ListRequest;
import et.terminal.ReplyScanner;
import et.terminal.ResizeEvent;
import et.terminal.TerminalChannels;
import et.testkit.CapturedOutput;
import et.testkit.EtHostSandbox;
import et.testkit.Poll;
import et.testkit.SshServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bootstrap end to end over real ssh (a private sshd from et-testkit): {@code ssh et-test --
 * launcher/etterminal} with the request on stdin starts the session host detached (on a first
 * contact in etterminal's place, {@code et.server.FirstContact}), answers with a session line, and
 * an et.core client reaches a login shell on the reported port. The launcher runs on the module
 * path of the code under test (ET_MODULE_PATH: target/classes and the runtime dependencies), not a
 * possibly stale jar of an earlier {@code mvn package}. Each test has its own HOME and
 * XDG_RUNTIME_DIR, so its host is its own; the host is killed afterwards (and would exit by itself:
 * ET_HOST_IDLE_EXIT).
 */
class EtterminalOverSshTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String PROMPT = "et-e2e$ ";
  private static final Path LAUNCHER = Path.of("").toAbsolutePath().getParent().resolve("launcher/etterminal");

  private static SshServer sshd;

  @TempDir Path base;
  private Path home;
  private Path runtimeBase;

  @BeforeAll
  static void startSshd() throws Exception {
    sshd = SshServer.start();
  }

  @AfterAll
  static void stopSshd() throws IOException {
    if (sshd != null) {
      sshd.close();
    }
  }

  @AfterEach
  void stopHost() throws Exception {
    Path lock = runtimeBase.resolve("et").resolve(HostPaths.LOCK_NAME);
    if (!Files.exists(lock)) {
      return;
    }
    String pid = Files.readString(lock).strip();
    if (pid.isEmpty()) {
      return;
    }
    Optional<ProcessHandle> host = ProcessHandle.of(Long.parseLong(pid));
    if (host.isPresent()) {
      host.get().destroy(); // SIGTERM: the host closes its sessions and exits
      try {
        host.get().onExit().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        host.get().destroyForcibly();
      }
    }
  }

  private void prepareAccount(String serverConf) throws IOException {
    home = Files.createDirectories(base.resolve("home"));
    runtimeBase = base.resolve("xdg");
    Files.writeString(home.resolve(".bash_profile"), "PS1='" + PROMPT + "'\nunset PROMPT_COMMAND\n");
    Path conf = Files.createDirectories(home.resolve(".config/et")).resolve("server.conf");
    Files.writeString(conf, serverConf);
  }

  /** What ssh runs: the launcher with this test's environment (the account's shell interprets it). */
  private String remoteCommand() {
    return String.join(
        " ",
        "env",
        "XDG_RUNTIME_DIR=" + SessionCommand.quoted(runtimeBase.toString()),
        "HOME=" + SessionCommand.quoted(home.toString()),
        HostLauncher.IDLE_EXIT_VARIABLE + "=60",
        "ET_MODULE_PATH=" + SessionCommand.quoted(testedModulePath()),
        SessionCommand.quoted(LAUNCHER.toString()));
  }

  /** et.server's classes and runtime dependencies, which the build passes in et.module.path. */
  private static String testedModulePath() {
    String modulePath = System.getProperty("et.module.path");
    if (modulePath == null || modulePath.isBlank()) {
      throw new IllegalStateException("no et.module.path: run the tests with Maven (et-server/pom.xml sets it)");
    }
    return modulePath;
  }

  /** One bootstrap over ssh: the reply and how long it took from starting ssh to reading it. */
  private record Bootstrap(BootstrapReply reply, Duration elapsed, int sshStatus, String stderr) {}

  private Bootstrap bootstrap(BootstrapRequest request) throws Exception {
    long start = System.nanoTime();
    Process ssh = sshd.startSsh(sshd.user(), remoteCommand());
    CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(ssh, true));
    try (OutputStream stdin = ssh.getOutputStream()) {
      stdin.write((request.toLine() + "\n").getBytes(StandardCharsets.US_ASCII));
    }
    ReplyScanner scanner = new ReplyScanner(request.nonce());
    Optional<BootstrapReply> reply = scanner.scan(ssh.getInputStream());
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(ssh.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "ssh did not exit: the host holds it open?");
    String errors = stderr.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertTrue(reply.isPresent(), "no reply line (" + scanner.ending() + "); noise " + scanner.noise() + "; stderr: " + errors);
    return new Bootstrap(reply.get(), elapsed, ssh.exitValue(), errors);
  }

  private static String readAll(Process ssh, boolean stderr) {
    try {
      return new String((stderr ? ssh.getErrorStream() : ssh.getInputStream()).readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(" + e + ")";
    }
  }

  private static BootstrapRequest shellRequest() {
    return new BootstrapRequest(BootstrapNonce.random(), "xterm-256color", 80, 24, Optional.empty(), false, new LinkedHashMap<>());
  }

  @Test
  void etterminalStartsTheHostDetachedAndTheClientGetsAShell() throws Exception {
    prepareAccount("# written by EtterminalOverSshTest\nbind=127.0.0.1\n");

    Bootstrap first = bootstrap(shellRequest());
    System.err.println("bootstrap over ssh, no host running: " + first.elapsed().toMillis() + " ms");
    assertEquals(0, first.sshStatus(), first.stderr());
    BootstrapReply.Session reply = (BootstrapReply.Session) first.reply();
    long hostPid = hostPid();
    // The launcher ran the host in etterminal's place, and the host answered (it logs that after the
    // answer): no etterminal JVM ran.
    assertTrue(Poll.until(TIMEOUT, () -> hostLogHas("answered a first contact: status 0")), EtHostSandbox.hostLog(home));
    assertFalse(Files.exists(etterminalLog()), "etterminal's JVM ran on a first contact");
    ProcessHandle host = ProcessHandle.of(hostPid).orElseThrow(() -> new AssertionError("host " + hostPid + " not running"));
    // Detached: ssh has exited, the host lives on and is no longer below sshd.
    assertTrue(host.isAlive());
    assertFalse(sshd.process().descendants().anyMatch(p -> p.pid() == hostPid), "host still below sshd");

    Session client =
        EternalClient.connect(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), reply.port()), reply.credentials(), HostFixture.OPTIONS);
    Channel resize = client.openChannel(TerminalChannels.RESIZE);
    resize.output().write(new ResizeEvent(80, 24).encode());
    Channel terminal = client.openChannel(TerminalChannels.TERMINAL);
    CapturedOutput screen = new CapturedOutput().readFrom(terminal.input(), "test-read terminal");
    int at = screen.await(PROMPT, 0, TIMEOUT);
    terminal.output().write("echo ET_$((6*7)) $HOME\n".getBytes(StandardCharsets.US_ASCII));
    screen.await("ET_42 " + home, at, TIMEOUT);

    Bootstrap second = bootstrap(shellRequest());
    System.err.println("bootstrap over ssh, host running: " + second.elapsed().toMillis() + " ms");
    assertEquals(0, second.sshStatus(), second.stderr());
    assertEquals(reply.port(), ((BootstrapReply.Session) second.reply()).port());
    assertEquals(hostPid, hostPid(), "a second host took over");
    assertTrue(Files.exists(etterminalLog()), "with a host running, etterminal's JVM did not answer");

    terminal.output().write("exit 5\n".getBytes(StandardCharsets.US_ASCII));
    assertTrue(client.awaitEnd(TIMEOUT));
    assertEquals(new SessionEnd(SessionEnd.Cause.CLOSED_BY_PEER, 5, "exited"), client.end());

    // SIGTERM stops the host in order: it exits and takes its socket file with it.
    host.destroy();
    host.onExit().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertFalse(Files.exists(runtimeBase.resolve("et").resolve(HostPaths.SOCKET_NAME)), "socket file left behind");
  }

  @Test
  void aBadRequestGetsAnErrorLineAndStatusOneAndTheHostThatAnsweredExits() throws Exception {
    prepareAccount("");
    BootstrapNonce nonce = BootstrapNonce.random();
    long start = System.nanoTime();
    Process ssh = sshd.startSsh(sshd.user(), remoteCommand());
    try (OutputStream stdin = ssh.getOutputStream()) {
      stdin.write(("ET1 REQUEST nonce=" + nonce + " term=xterm cols=80 rows=0\n").getBytes(StandardCharsets.US_ASCII));
    }
    ReplyScanner scanner = new ReplyScanner(nonce);
    BootstrapReply reply = scanner.scan(ssh.getInputStream()).orElseThrow();
    assertTrue(ssh.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    System.err.println("refused bootstrap over ssh: " + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");

    BootstrapReply.Error error = (BootstrapReply.Error) reply;
    assertTrue(error.reason().contains("rows must be in 1..10000"), error.reason());
    assertEquals(1, ssh.exitValue());
    assertTrue(readAll(ssh, true).contains("etterminal: bad request"));
    assertTheHostThatAnsweredExits();
  }

  @Test
  void aListWithoutAHostIsAnsweredAndTheHostThatAnsweredExits() throws Exception {
    prepareAccount("");
    ListRequest list = new ListRequest(BootstrapNonce.random());
    Process ssh = sshd.startSsh(sshd.user(), remoteCommand());
    try (OutputStream stdin = ssh.getOutputStream()) {
      stdin.write((list.toLine() + "\n").getBytes(StandardCharsets.US_ASCII));
    }
    BootstrapReply reply = new ReplyScanner(list.nonce()).scan(ssh.getInputStream()).orElseThrow();
    assertTrue(ssh.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));

    assertEquals(0, ((BootstrapReply.Sessions) reply).total());
    assertEquals(0, ssh.exitValue());
    assertTheHostThatAnsweredExits();
  }

  @Test
  void aHostThatCannotStartAnswersAFirstContactWithItsReason() throws Exception {
    prepareAccount("port=http\n");

    Bootstrap refused = bootstrap(shellRequest());

    String reason = ((BootstrapReply.Error) refused.reply()).reason();
    assertTrue(reason.startsWith("the session host could not start: "), reason);
    assertTrue(reason.contains("port must be a number"), reason);
    assertEquals(1, refused.sshStatus(), refused.stderr());
    assertFalse(Files.exists(runtimeBase.resolve("et").resolve(HostPaths.SOCKET_NAME)), "a host serves");
  }

  private boolean hostLogHas(String text) {
    try {
      return EtHostSandbox.hostLog(home).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  private Path etterminalLog() {
    return home.resolve(".et/log/etterminal.log");
  }

  /**
   * The launcher ran a host for this first contact, which needed none: it exits once it has
   * answered, and says why in its log.
   */
  private void assertTheHostThatAnsweredExits() throws IOException, InterruptedException {
    boolean stopped = Poll.until(TIMEOUT, () -> hostLogHas("session host stopped"));
    String log = EtHostSandbox.hostLog(home);
    assertTrue(stopped, "the host that answered did not stop; its log: " + log);
    assertTrue(log.contains("nobody asked for a session or a relay: exiting"), log);
    assertFalse(Files.exists(runtimeBase.resolve("et").resolve(HostPaths.SOCKET_NAME)), "socket file left behind");
  }

  private long hostPid() throws IOException, InterruptedException {
    Path lock = runtimeBase.resolve("et").resolve(HostPaths.LOCK_NAME);
    assertTrue(Poll.until(TIMEOUT, () -> {
      try {
        return Files.exists(lock) && !Files.readString(lock).isBlank();
      } catch (IOException e) {
        return false;
      }
    }), "no host.lock");
    return Long.parseLong(Files.readString(lock).strip());
  }
}
