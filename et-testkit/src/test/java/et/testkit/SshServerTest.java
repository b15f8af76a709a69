package et.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The private sshd fixture against the real OpenSSH client: logins, exit status, both output
 * streams, stdin, refusal of a foreign key, a noisy login shell, cleanup. One server serves the
 * class; the cleanup test starts its own.
 */
class SshServerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  // An account of our own, so no test touches root's real dot files.
  private static final String EXTRA_USER = "et-testkit";

  private static SshServer server;
  private static boolean extraUserCreated;

  @BeforeAll
  static void startServer() throws Exception {
    server = SshServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      // Only an account this class created goes; its sessions ended with the server.
      if (extraUserCreated) {
        LocalAccounts.deleteUser(EXTRA_USER);
      }
    }
  }

  @Test
  void loginRunsCommandAndReturnsItsOutputWithStatusZero() {
    CommandResult result = server.runSsh("echo hello", TIMEOUT);

    assertEquals(0, result.status(), result::toString);
    assertEquals("hello\n", result.stdout());
    assertEquals("", result.stderr());
  }

  @Test
  void bothHostNamesOfTheClientConfigReachTheServerWithStrictHostKeyChecking() {
    for (String host : List.of(SshServer.HOST_ALIAS, "127.0.0.1")) {
      List<String> command = new ArrayList<>(server.sshCommand());
      command.addAll(List.of("-o", "StrictHostKeyChecking=yes", host, "--", "echo via " + host));
      CommandResult result = Commands.run(command, TIMEOUT);

      assertEquals(0, result.status(), result::toString);
      assertEquals("via " + host + "\n", result.stdout());
    }
  }

  @Test
  void remoteExitStatusIsPassedThrough() {
    CommandResult result = server.runSsh("exit 7", TIMEOUT);

    assertEquals(7, result.status(), result::toString);
  }

  @Test
  void stderrOfAFailingCommandIsCapturedApartFromStdout() {
    CommandResult result =
        server.runSsh("echo to-stdout; echo to-stderr >&2; ls /no/such/et-testkit/path", TIMEOUT);

    assertEquals(2, result.status(), result::toString); // ls: cannot access
    assertEquals("to-stdout\n", result.stdout());
    assertTrue(result.stderr().startsWith("to-stderr\n"), result::toString);
    assertTrue(result.stderr().contains("No such file or directory"), result::toString);
  }

  @Test
  void remoteCommandReadsWhatWeWriteToStdin() {
    // Larger than the pipe buffers on both sides: only works when stdin is fed while stdout drains.
    StringBuilder text = new StringBuilder();
    for (int i = 0; text.length() < 256 * 1024; i++) {
      text.append("line ").append(i).append('\n');
    }
    byte[] input = text.toString().getBytes(StandardCharsets.UTF_8);

    CommandResult result = server.runSsh("cat", input, TIMEOUT);

    assertEquals(0, result.status(), result::toString);
    assertEquals(text.toString(), result.stdout());
  }

  @Test
  void foreignKeyIsRefused() throws Exception {
    Path wrongKey = server.dir().resolve("wrong_ed25519");
    Commands.check(
        List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", wrongKey.toString()), TIMEOUT);
    // Everything from the command line, so the config's right key cannot sneak in.
    List<String> command =
        List.of(
            "ssh",
            "-F",
            "/dev/null",
            "-p",
            Integer.toString(server.port()),
            "-i",
            wrongKey.toString(),
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=yes",
            "-o",
            "UserKnownHostsFile=" + server.knownHosts(),
            "-l",
            server.user(),
            "127.0.0.1",
            "--",
            "echo should-not-run");

    CommandResult result = Commands.run(command, TIMEOUT);

    assertEquals(255, result.status(), result::toString);
    assertEquals("", result.stdout());
    assertTrue(result.stderr().contains("Permission denied (publickey)"), result::toString);
    assertTrue(server.awaitLog("Failed publickey for " + server.user(), TIMEOUT), server::log);
  }

  @Test
  void noisyBashrcOfTheLoginUserDoesNotBreakAPlainCommand() throws Exception {
    assumeTrue(LocalAccounts.isRoot(), "creating a login user needs root");
    extraUserCreated |= server.addLoginUser(EXTRA_USER);
    Path bashrc = LocalAccounts.home(EXTRA_USER).resolve(".bashrc");
    Optional<byte[]> original =
        Files.exists(bashrc) ? Optional.of(Files.readAllBytes(bashrc)) : Optional.empty();
    try {
      // Written as root into the user's home: the user only needs to read it.
      Files.writeString(bashrc, "echo bashrc-noise-on-stdout\necho bashrc-noise-on-stderr >&2\n");

      CommandResult result = server.runSshAs(EXTRA_USER, "echo hello; whoami", null, TIMEOUT);

      assertEquals(0, result.status(), result::toString);
      assertTrue(result.stdout().endsWith("hello\n" + EXTRA_USER + "\n"), result::toString);
      // Debian's bash sources ~/.bashrc for commands run by sshd: the noise lands before the
      // command's output, so a bootstrap that parses ssh output must find its own marker.
      System.out.printf(
          "noisy .bashrc: stdout=%s stderr=%s%n",
          result.stdout().contains("bashrc-noise-on-stdout") ? "noise then output" : "clean",
          result.stderr().contains("bashrc-noise-on-stderr") ? "noise" : "clean");
    } finally {
      if (original.isPresent()) {
        Files.write(bashrc, original.get());
      } else {
        Files.deleteIfExists(bashrc);
      }
    }
  }

  @Test
  void portTakenBeforeSshdBindsItIsReplacedByAnother() throws Exception {
    try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int taken = squatter.getLocalPort();
      AtomicInteger picks = new AtomicInteger();
      try (SshServer retried =
          SshServer.start(() -> picks.getAndIncrement() == 0 ? taken : SshServer.freePort())) {
        assertEquals(2, picks.get());
        assertNotEquals(taken, retried.port());
        CommandResult result = retried.runSsh("echo retried", TIMEOUT);
        assertEquals("retried\n", result.stdout(), result::toString);
      }
    }
  }

  @Test
  void loginTimeIsMeasured() {
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      CommandResult result = server.runSsh("true", TIMEOUT);
      assertEquals(0, result.status(), result::toString);
      millis.add(result.elapsed().toMillis());
    }
    List<Long> sorted = millis.stream().sorted().toList();
    System.out.printf("ssh login + `true`: %s ms, median %d ms%n", millis, sorted.get(2));
  }

  @Test
  void closeEndsSshdWithItsSessionsAndRemovesTheDirectory() throws Exception {
    SshServer own = SshServer.start();
    Process client = null;
    try {
      client = own.startSsh(own.user(), "sleep 300");
      client.getOutputStream().close();
      assertTrue(own.awaitLog("Starting session: command for " + own.user(), TIMEOUT), own::log);
      // sshd logs the session's start before its child has forked the command.
      assertTrue(Poll.until(TIMEOUT, () -> own.process().descendants().count() >= 2),
          () -> "listener, session sshd and sleep expected: " + own.process().descendants().toList());
      List<ProcessHandle> tree = new ArrayList<>(own.process().descendants().toList());
      tree.add(own.process());
      Path dir = own.dir();
      int port = own.port();

      own.close();

      for (ProcessHandle process : tree) {
        assertTrue(Processes.isGone(process), () -> "still running: " + process.info());
      }
      assertFalse(Files.exists(dir), dir::toString);
      assertRefused(port);
      Process ssh = client;
      assertTrue(Poll.until(TIMEOUT, () -> !ssh.isAlive()), "ssh client did not notice the end");
    } finally {
      if (client != null) {
        client.destroyForcibly();
      }
      own.close();
    }
  }

  private static void assertRefused(int port) {
    try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
      throw new AssertionError("port " + port + " still accepts: " + socket.getLocalSocketAddress());
    } catch (ConnectException expected) {
      // nobody listens any more
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
