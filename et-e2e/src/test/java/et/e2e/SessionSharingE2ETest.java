package et.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.Await;
import et.testkit.CapturedOutput;
import et.testkit.CommandResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session sharing end to end (docs/TERMINAL.md): real launchers, the private sshd and a session
 * host. Every et here runs ssh through a wrapper that notes each of its command lines, so a test
 * can tell a login (the bootstrap's command line names the terminal path) from the configuration
 * query ({@code ssh -G}) every et runs; each test has its own XDG_RUNTIME_DIR, hence share sockets
 * of its own.
 */
@EnabledOnOs(OS.LINUX)
class SessionSharingE2ETest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path base;
  private RemoteHost host;
  private Path sshLog;
  private Path ssh;
  private Path runtime;

  @BeforeEach
  void startHost() throws Exception {
    host = RemoteHost.start(base);
    sshLog = base.resolve("ssh-invocations");
    ssh = host.sshNotingTo(base.resolve("ssh-noting"), sshLog);
    runtime = Files.createDirectories(base.resolve("client-runtime"));
  }

  @AfterEach
  void stopHost() throws Exception {
    if (host != null) {
      host.close();
    }
  }

  private List<String> etCommand(String... options) {
    return RemoteHost.etCommandAs(host.sshd().user(), ssh.toString(), host.wrapper().toString(), options);
  }

  private EtProcess startEt(String... options) throws IOException {
    return EtProcess.start(etCommand(options), Map.of("XDG_RUNTIME_DIR", runtime.toString()));
  }

  private CommandResult runEt(String... options) throws IOException, InterruptedException {
    long start = System.nanoTime();
    try (EtProcess et = startEt(options)) {
      CapturedOutput stdout = new CapturedOutput(StandardCharsets.UTF_8).readFrom(et.stdout(), "et stdout");
      int status = et.awaitExit(DEADLINE);
      stdout.endsWithin(DEADLINE);
      return new CommandResult(status, stdout.text(), et.stderr(), Duration.ofNanos(System.nanoTime() - start), false);
    }
  }

  /** How many times et logged in with ssh so far (not counting ssh -G). */
  private long logins() throws IOException {
    return host.logins(sshLog);
  }

  private List<Path> shareSockets() {
    Path directory = runtime.resolve("et").resolve("share");
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(file -> file.toString().endsWith(".sock")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An {@code et -c 'echo MARK; cat'} in pipe mode, once MARK is out. */
  private EtProcess echoSession(String mark) throws IOException, InterruptedException {
    EtProcess et = startEt("-c", "echo " + mark + "; cat");
    new CapturedOutput(StandardCharsets.UTF_8).readFrom(et.stdout(), mark).await(mark + "\n", DEADLINE);
    return et;
  }

  @Test
  void aSecondEtTakesItsSessionThroughTheFirstWithoutLoggingInAndFallsBackToSshOnceItIsGone() throws Exception {
    try (EtProcess first = echoSession("first-ready")) {
      assertEquals(1, logins());
      Await.until("the first et to offer its session", DEADLINE, () -> shareSockets().size() == 1, () -> "none");
      Path socket = shareSockets().getFirst();
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));

      CommandResult second = runEt("-v", "-c", "echo second-ran");
      assertEquals(0, second.status(), second.toString());
      assertEquals("second-ran\n", second.stdout(), second.toString());
      assertEquals(1, logins(), "the second et logged in with ssh: " + second);
      assertTrue(second.stderr().contains("asking the et sharing its session on " + socket), second.stderr());

      CommandResult list = runEt("--list");
      assertEquals(0, list.status(), list.toString());
      assertTrue(list.stdout().contains("echo first-ready; cat"), list.toString());
      assertEquals(1, logins(), "et --list logged in with ssh: " + list);

      CommandResult unshared = runEt("--no-share", "-c", "echo unshared-ran");
      assertEquals("unshared-ran\n", unshared.stdout(), unshared.toString());
      assertEquals(2, logins(), "--no-share did not log in with ssh: " + unshared);

      first.close(); // killed: its socket file stays behind
      first.awaitExit(DEADLINE);
      assertTrue(Files.exists(socket), "a killed et cannot remove its socket");

      CommandResult third = runEt("-c", "echo third-ran");
      assertEquals(0, third.status(), third.toString());
      assertEquals("third-ran\n", third.stdout(), third.toString());
      assertEquals(3, logins(), "nobody offered a session, so the third et had to log in: " + third);
      assertFalse(Files.exists(socket), "the third et offered its session, and removed the socket at its end");
    }
  }

  @Test
  void killingASessionNeverGoesThroughAnotherEtsSession() throws Exception {
    try (EtProcess first = echoSession("first-ready");
        EtProcess second = echoSession("second-ready")) {
      assertEquals(1, logins(), "the second et did not take its session through the first");
      CommandResult list = runEt("--list");
      List<String> ids = new ArrayList<>(list.stdout().lines().skip(1).map(line -> line.split(" ")[0]).toList());
      assertEquals(2, ids.size(), list.toString());
      CommandResult kill = runEt("--kill", ids.getFirst());
      assertEquals(0, kill.status(), kill.toString());
      assertEquals(2, logins(), "et --kill went through the sharing et: " + kill);
      CommandResult killOthers = runEt("-x", "-c", "echo alone");
      assertEquals("alone\n", killOthers.stdout(), killOthers.toString());
      assertEquals(3, logins(), "et -x went through the sharing et: " + killOthers);
    }
  }

  @Test
  void whenTheOfferingEtIsGoneAnotherRunningOneOffersItsSessionInstead() throws Exception {
    try (EtProcess first = echoSession("first-ready");
        EtProcess second = echoSession("second-ready")) {
      assertEquals(1, logins(), "the second et did not take its session through the first");
      Path socket = shareSockets().getFirst();
      first.close(); // killed: the second et takes over within its check interval
      first.awaitExit(DEADLINE);
      Await.until("the second et to offer its session", DEADLINE, () -> accepts(socket), () -> "nobody listens");

      CommandResult third = runEt("-c", "echo third-ran");
      assertEquals("third-ran\n", third.stdout(), third.toString());
      assertEquals(1, logins(), "the third et logged in with ssh: " + third);
    }
  }

  private static boolean accepts(Path socket) {
    try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      return true;
    } catch (IOException nobodyListens) {
      return false;
    }
  }
}
