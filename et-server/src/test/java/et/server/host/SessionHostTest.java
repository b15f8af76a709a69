package et.server.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import et.core.Channel;
import et.core.Session;
import et.core.SessionEnd;
import et.terminal.KillRequest;
import et.server.request.HostPaths;
import et.server.request.HostSocket;
import et.terminal.PrivateDirectory;
import et.server.session.SessionProgram;
import et.terminal.BootstrapNonce;
import et.terminal.BootstrapReply;
import et.terminal.BootstrapRequest;
import et.terminal.ListRequest;
import et.terminal.RelayRequest;
import et.terminal.forward.Endpoint;
import et.terminal.forward.ForwardReply;
import et.terminal.ResizeEvent;
import et.terminal.TerminalChannels;
import et.testkit.CapturedOutput;
import et.testkit.CommandResult;
import et.testkit.Commands;
import et.testkit.Escaped;
import et.testkit.LocalAccounts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session host in this JVM, asked over its real unix socket, with real et.core clients on
 * 127.0.0.1 and real login shells (bash) in PTYs or with pipes.
 */
class SessionHostTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  /** Connects to the unix socket argv[1]; prints "connected", or fails with the OS error. */
  private static final String CONNECT_PROBE =
      "import socket, sys\ns = socket.socket(socket.AF_UNIX)\ns.connect(sys.argv[1])\nprint('connected')\n";

  @TempDir Path base;

  private static String request(Optional<String> command) {
    return new BootstrapRequest(BootstrapNonce.random(), "xterm-256color", 80, 24, command, false, new LinkedHashMap<>())
        .toLine();
  }

  @Test
  void terminalSessionEchoesResizesAndEndsWithTheShellsExitStatus() throws Exception {
    try (HostFixture fixture = HostFixture.start(base)) {
      BootstrapReply.Session reply = fixture.requestSession(request(Optional.empty()));
      assertEquals(fixture.host.port(), reply.port());

      Session client = fixture.connect(reply);
      Channel resize = client.openChannel(TerminalChannels.RESIZE);
      resize.output().write(new ResizeEvent(80, 24).encode());
      Channel terminal = client.openChannel(TerminalChannels.TERMINAL);
      CapturedOutput screen = new CapturedOutput().readFrom(terminal.input(), "test-read terminal");
      int at = screen.await(HostFixture.PROMPT, 0, TIMEOUT);

      type(terminal, "echo hi\n");
      at = screen.await("echo hi\r\n", at, TIMEOUT); // the terminal echoes the command line
      at = screen.await("hi\r\n", at, TIMEOUT); // then comes its output
      at = screen.await(HostFixture.PROMPT, at, TIMEOUT);

      resize.output().write(new ResizeEvent(100, 40).encode());
      at = awaitSttySize(terminal, screen, at, "40 100");

      type(terminal, "exit 7\n");
      assertTrue(client.awaitEnd(TIMEOUT), "session did not end after exit");
      assertEquals(new SessionEnd(SessionEnd.Cause.CLOSED_BY_PEER, 7, "exited"), client.end());
      assertTrue(waitForNoSession(fixture), "host still counts the session");
    }
  }

  /**
   * The resize event and the keystrokes travel on separate channels served by separate threads,
   * so stty may run a moment before the PTY has its new size: ask again until it tells (bounded).
   */
  private static int awaitSttySize(Channel terminal, CapturedOutput screen, int from, String expected) throws Exception {
    for (int attempt = 1; attempt <= 5; attempt++) {
      int start = screen.length();
      type(terminal, "stty size\n");
      int prompt = screen.await(HostFixture.PROMPT, start, TIMEOUT);
      String answer = screen.text().substring(start, prompt);
      if (answer.contains("\n" + expected + "\r\n") || answer.contains("\r" + expected + "\r\n")) {
        return prompt;
      }
    }
    throw new AssertionError("stty size never showed " + expected + "; screen: " + Escaped.of(screen.text().substring(from)));
  }

  @Test
  void pipeModeKeepsStdoutAndStderrApartAndReturnsTheExitStatus() throws Exception {
    try (HostFixture fixture = HostFixture.start(base)) {
      BootstrapReply.Session reply =
          fixture.requestSession(request(Optional.of("printf out; printf err >&2; exit 3")));
      Session client = fixture.connect(reply);
      Channel stdin = client.openChannel(TerminalChannels.STDIN);
      Channel stdout = client.openChannel(TerminalChannels.STDOUT);
      Channel stderr = client.openChannel(TerminalChannels.STDERR);
      stdin.shutdownOutput();
      CapturedOutput out = new CapturedOutput().readFrom(stdout.input(), "test-read stdout");
      CapturedOutput err = new CapturedOutput().readFrom(stderr.input(), "test-read stderr");

      assertEquals("out", out.awaitEnd(TIMEOUT));
      assertEquals("err", err.awaitEnd(TIMEOUT));
      assertTrue(client.awaitEnd(TIMEOUT));
      assertEquals(new SessionEnd(SessionEnd.Cause.CLOSED_BY_PEER, 3, "exited"), client.end());
    }
  }

  @Test
  void pipeModeFeedsStdinToTheCommandUntilItsEnd() throws Exception {
    try (HostFixture fixture = HostFixture.start(base)) {
      Session client = fixture.connect(fixture.requestSession(request(Optional.of("tr a-z A-Z"))));
      // Another order than above: the first channel decides the mode, the rest may come in any order.
      Channel stdout = client.openChannel(TerminalChannels.STDOUT);
      Channel stderr = client.openChannel(TerminalChannels.STDERR);
      Channel stdin = client.openChannel(TerminalChannels.STDIN);
      CapturedOutput out = new CapturedOutput().readFrom(stdout.input(), "test-read stdout");
      CapturedOutput err = new CapturedOutput().readFrom(stderr.input(), "test-read stderr");
      stdin.output().write("hello\nworld\n".getBytes(StandardCharsets.US_ASCII));
      stdin.shutdownOutput();

      assertEquals("HELLO\nWORLD\n", out.awaitEnd(TIMEOUT));
      assertEquals("", err.awaitEnd(TIMEOUT));
      assertTrue(client.awaitEnd(TIMEOUT));
      assertEquals(0, client.end().exitStatus());
    }
  }

  @Test
  void commandWithNoexitLeavesAnInteractiveShell() throws Exception {
    try (HostFixture fixture = HostFixture.start(base)) {
      String line =
          new BootstrapRequest(
                  BootstrapNonce.random(), "xterm", 80, 24, Optional.of("echo ET_$((6*7))"), true, new LinkedHashMap<>())
              .toLine();
      Session client = fixture.connect(fixture.requestSession(line));
      Channel terminal = client.openChannel(TerminalChannels.TERMINAL);
      Channel resize = client.openChannel(TerminalChannels.RESIZE);
      resize.output().write(new ResizeEvent(80, 24).encode());
      CapturedOutput screen = new CapturedOutput().readFrom(terminal.input(), "test-read terminal");

      int at = screen.await("ET_42", 0, TIMEOUT);
      screen.await(HostFixture.PROMPT, at, TIMEOUT);
      type(terminal, "exit 4\n");
      assertTrue(client.awaitEnd(TIMEOUT));
      assertEquals(4, client.end().exitStatus());
    }
  }

  @Test
  void theShellIsHungUpWhenTheClientEndsTheSession() throws Exception {
    try (HostFixture fixture = HostFixture.start(base)) {
      Session client = fixture.connect(fixture.requestSession(request(Optional.empty())));
      Channel terminal = client.openChannel(TerminalChannels.TERMINAL);
      client.openChannel(TerminalChannels.RESIZE).output().write(new ResizeEvent(80, 24).encode());
      CapturedOutput screen = new CapturedOutput().readFrom(terminal.input(), "test-read terminal");
      int at = screen.await(HostFixture.PROMPT, 0, TIMEOUT);
      type(terminal, "echo PID=$$.\n");
      at = screen.await("echo PID=$$.\r\n", at, TIMEOUT);
      at = screen.await("PID=", at, TIMEOUT);
      int end = screen.await(".", at, TIMEOUT);
      long pid = Long.parseLong(screen.text().substring(at, end - 1));
      assertTrue(ProcessHandle.of(pid).isPresent(), "shell pid " + pid + " not running");

      client.close();

      assertTrue(
          et.testkit.Poll.until(TIMEOUT, () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)),
          "shell " + pid + " still running after the session ended");
      assertTrue(waitForNoSession(fixture), "host still counts the session");
    }
  }

  /** A stopped host (SIGTERM runs close) closes its sessions: a client in reach ends, told why. */
  @Test
  void aStoppedHostClosesItsSessionsSoTheirClientsEndWithTheReason() throws Exception {
    Session client;
    try (HostFixture fixture = HostFixture.start(base)) {
      client = fixture.connect(fixture.requestSession(request(Optional.empty())));
      Channel terminal = client.openChannel(TerminalChannels.TERMINAL);
      client.openChannel(TerminalChannels.RESIZE).output().write(new ResizeEvent(80, 24).encode());
      new CapturedOutput().readFrom(terminal.input(), "test-read terminal").await(HostFixture.PROMPT, 0, TIMEOUT);
    }
    assertTrue(client.awaitEnd(TIMEOUT), "the client still waits for the host");
    assertEquals(SessionEnd.Cause.CLOSED_BY_PEER, client.end().cause());
    assertEquals(KillRequest.HOST_STOPPED_REASON, client.end().reason());
    assertEquals(KillRequest.EXIT_STATUS, client.end().exitStatus());
  }

  @Test
  void channelsOfTheWrongModeEndTheSessionWithTheReason() throws Exception {
    try (HostFixture fixture = HostFixture.start(base)) {
      Session client = fixture.connect(fixture.requestSession(request(Optional.empty())));
      client.openChannel(TerminalChannels.TERMINAL);
      client.openChannel(TerminalChannels.STDOUT);

      assertTrue(client.awaitEnd(TIMEOUT));
      assertEquals(SessionEnd.Cause.CLOSED_BY_PEER, client.end().cause());
      assertEquals(SessionProgram.SERVER_FAILURE, client.end().exitStatus());
      assertTrue(client.end().reason().contains("\"stdout\" does not belong to terminal mode"), client.end().reason());
    }
  }

  @Test
  void aSessionWithoutProgramServesForwardsAndIsNotEndedForWantOfProgramChannels() throws Exception {
    HostConfig config = HostFixture.config(HostFixture.paths(base)).withClientWait(Duration.ofMillis(300));
    try (HostFixture fixture = HostFixture.start(config);
        ServerSocket target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String noProgram = BootstrapRequest.create("xterm-256color", 80, 24, Optional.empty(), false, new LinkedHashMap<>(), true, false)
          .toLine();
      Session tunnels = fixture.connect(fixture.requestSession(noProgram));
      Session plain = fixture.connect(fixture.requestSession(request(Optional.empty())));
      assertTrue(plain.awaitEnd(TIMEOUT), "a session whose program's channels never come is ended after the client wait");
      assertEquals(null, tunnels.end(), "the session without a program is not");

      Thread.ofVirtual().start(() -> {
        try (Socket accepted = target.accept()) {
          accepted.getOutputStream().write("from the target".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
          // the assertion below fails
        }
      });
      Channel forward = tunnels.openChannel(TerminalChannels.FORWARD);
      new Endpoint.Tcp("127.0.0.1", target.getLocalPort()).writeTo(forward.output());
      assertEquals(Optional.empty(), ForwardReply.read(forward.input()));
      assertEquals("from the target", new String(forward.input().readAllBytes(), StandardCharsets.US_ASCII));
      Channel terminal = tunnels.openChannel(TerminalChannels.TERMINAL);
      assertEquals(-1, terminal.input().read(), "no program: its channels are refused");
    }
  }

  @Test
  void aSessionWhoseClientNeverComesIsEnded() throws Exception {
    HostConfig config = HostFixture.config(HostFixture.paths(base)).withClientWait(Duration.ofMillis(500));
    config =
        new HostConfig(
            config.paths(), config.bind(), config.port(), config.idleExit(), config.clientWait(),
            HostFixture.OPTIONS.withHandshakeTimeout(Duration.ofMillis(500)), config.forwarding(), config.relaying(),
            config.acceptEnv());
    try (HostFixture fixture = HostFixture.start(config)) {
      fixture.requestSession(request(Optional.empty()));
      assertEquals(1, fixture.host.sessionCount());
      assertTrue(waitForNoSession(fixture), "the session outlived its client wait");
    }
  }

  @Test
  void aBadRequestGetsAnErrorWithItsNonceAndGarbageGetsNoAnswer() throws Exception {
    try (HostFixture fixture = HostFixture.start(base)) {
      BootstrapNonce nonce = BootstrapNonce.random();
      String reply = fixture.request("ET1 REQUEST nonce=" + nonce + " term=xterm cols=0 rows=24").orElseThrow();

      BootstrapReply.Error error = assertInstanceOf(BootstrapReply.Error.class, BootstrapReply.parse(reply));
      assertEquals(nonce, error.nonce());
      assertTrue(error.reason().contains("cols must be in 1..10000"), error.reason());

      assertEquals(Optional.empty(), fixture.request("hello, is anybody there?"));
      assertEquals(0, fixture.host.sessionCount());
    }
  }

  @Test
  void runtimeDirectoryIsPrivateAndTheSocketOnlyOurs() throws Exception {
    try (HostFixture fixture = HostFixture.start(base)) {
      Path runtime = fixture.paths.runtimeDir();
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(runtime)));
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fixture.paths.socket())));
      assertEquals(PrivateDirectory.currentUid(), ((Integer) Files.getAttribute(runtime, "unix:uid")).longValue());

      // Another user: everything above the runtime directory open to all, so only its own 0700
      // stands between them and the socket. The probe connects as we do (control), then as nobody.
      assumeTrue(LocalAccounts.isRoot() && Files.isExecutable(SETPRIV) && Files.isExecutable(PYTHON), "needs root, setpriv and python3");
      Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setPosixFilePermissions(runtime.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
      List<String> probe = List.of(PYTHON.toString(), "-c", CONNECT_PROBE, fixture.paths.socket().toString());
      CommandResult asUs = Commands.run(probe, TIMEOUT);
      assertEquals("connected\n", asUs.stdout(), asUs::toString);

      List<String> asNobody = new ArrayList<>(List.of(SETPRIV.toString(), "--reuid=65534", "--regid=65534", "--clear-groups"));
      asNobody.addAll(probe);
      CommandResult refused = Commands.run(asNobody, TIMEOUT);
      assertEquals(1, refused.status(), refused::toString);
      assertTrue(refused.stderr().contains("PermissionError"), refused::toString);
    }
  }

  @Test
  void aRuntimeDirectoryOpenToOthersIsRefusedNotRepaired() throws Exception {
    HostPaths paths = HostFixture.paths(base);
    Files.createDirectories(paths.runtimeDir());
    Files.setPosixFilePermissions(paths.runtimeDir(), PosixFilePermissions.fromString("rwxr-xr-x"));

    IOException refused = assertThrows(IOException.class, () -> HostFixture.start(HostFixture.config(paths)));

    assertTrue(refused.getMessage().contains("open to others"), refused.getMessage());
    assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(paths.runtimeDir())));
    assertFalse(Files.exists(paths.socket()));
  }

  @Test
  void aSecondHostForTheSameRuntimeDirectoryIsRefused() throws Exception {
    try (HostFixture fixture = HostFixture.start(base)) {
      assertThrows(HostAlreadyRunningException.class, () -> SessionHost.start(HostFixture.config(fixture.paths)));
      assertTrue(HostSocket.answers(fixture.paths.socket()), "the first host stopped answering");
    }
  }

  @Test
  void hostExitsAfterItsIdleTimeButNotWhileASessionLives() throws Exception {
    HostConfig config = HostFixture.config(HostFixture.paths(base)).withIdleExit(Duration.ofSeconds(1));
    try (HostFixture fixture = HostFixture.start(config)) {
      Session client = fixture.connect(fixture.requestSession(request(Optional.of("read line; exit 2"))));
      Channel stdin = client.openChannel(TerminalChannels.STDIN);
      client.openChannel(TerminalChannels.STDOUT);
      client.openChannel(TerminalChannels.STDERR);

      assertFalse(fixture.host.awaitExit(Duration.ofSeconds(2)), "exited with a session alive");

      stdin.output().write("go\n".getBytes(StandardCharsets.US_ASCII));
      assertTrue(client.awaitEnd(TIMEOUT));
      assertEquals(2, client.end().exitStatus());
      assertTrue(fixture.host.awaitExit(TIMEOUT), "host did not exit when idle");
      assertFalse(Files.exists(fixture.paths.socket()), "socket file left behind");
      // The lock is free again: a new host may start.
      SessionHost.start(config).close();
    }
  }

  /** A host that answered a first contact (et-host --first-contact) closes when unasked, stays once asked. */
  @Test
  void aHostNobodyAskedForASessionOrRelayClosesWhenToldAndOneThatWasAskedStays() throws Exception {
    try (HostFixture fixture = HostFixture.start(base)) {
      BootstrapNonce nonce = BootstrapNonce.random();
      assertTrue(fixture.request(new ListRequest(nonce).toLine()).orElseThrow().contains("SESSIONS"), "no list");

      assertTrue(fixture.host.closeUnlessAsked(), "a list kept the host");
      assertTrue(fixture.host.awaitExit(TIMEOUT), "the host did not exit");
      assertFalse(Files.exists(fixture.paths.socket()), "socket file left behind");
    }
    try (HostFixture fixture = HostFixture.start(base)) {
      Session client = fixture.connect(fixture.requestSession(request(Optional.of("exit 3"))));
      client.openChannel(TerminalChannels.STDIN);
      client.openChannel(TerminalChannels.STDOUT);
      client.openChannel(TerminalChannels.STDERR);
      assertTrue(client.awaitEnd(TIMEOUT));

      assertFalse(fixture.host.closeUnlessAsked(), "closed a host that had made a session");
      assertFalse(fixture.host.awaitExit(Duration.ofMillis(300)), "the host exited");
      assertTrue(HostSocket.answers(fixture.paths.socket()), "the host stopped answering");
    }
    // A relay grant too: its client comes back through the host.
    try (HostFixture fixture = HostFixture.start(base)) {
      String grant = fixture.request(new RelayRequest(BootstrapNonce.random(), "127.0.0.1").toLine()).orElseThrow();
      assertInstanceOf(BootstrapReply.Grant.class, BootstrapReply.parse(grant), grant);

      assertFalse(fixture.host.closeUnlessAsked(), "closed a host that had granted a relay");
      assertTrue(HostSocket.answers(fixture.paths.socket()), "the host stopped answering");
    }
  }

  private static void type(Channel terminal, String text) throws IOException {
    terminal.output().write(text.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean waitForNoSession(HostFixture fixture) throws InterruptedException {
    return et.testkit.Poll.until(TIMEOUT, () -> fixture.host.sessionCount() == 0);
  }
}
