package et.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.server.host.HostConfig;
import et.server.host.ServerConf;
import et.server.host.SessionHost;
import et.server.request.HostPaths;
import et.terminal.BootstrapNonce;
import et.terminal.BootstrapReply;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * etterminal and et-host as commands in this JVM, against a session host in this JVM: what they
 * print and their exit statuses. (Starting a detached host is covered over ssh by
 * et.server.host.EtterminalOverSshTest.)
 */
class EtterminalTest {
  @TempDir Path base;

  private record Run(int status, String stdout, String stderr) {}

  private Run etterminal(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Map<String, String> env = Map.of("HOME", base.resolve("home").toString(), "XDG_RUNTIME_DIR", base.resolve("xdg").toString());
    int status =
        Etterminal.run(
            args,
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.ISO_8859_1)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env);
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private HostConfig hostConfig() {
    HostPaths paths =
        HostPaths.fromEnvironment(Map.of("HOME", base.resolve("home").toString(), "XDG_RUNTIME_DIR", base.resolve("xdg").toString()));
    return HostConfig.of(paths, ServerConf.defaults()).withBind(InetAddress.getLoopbackAddress()).withPort(0);
  }

  private static String request(BootstrapNonce nonce) {
    return "ET1 REQUEST nonce=" + nonce + " term=xterm cols=80 rows=24\n";
  }

  @Test
  void printsTheHostsSessionLineAndExitsZero() throws Exception {
    try (SessionHost host = SessionHost.start(hostConfig())) {
      BootstrapNonce nonce = BootstrapNonce.random();
      Run run = etterminal(request(nonce));

      assertEquals(0, run.status(), run.stderr());
      assertTrue(run.stdout().endsWith("\n") && run.stdout().indexOf('\n') == run.stdout().length() - 1, run.stdout());
      BootstrapReply.Session reply =
          assertInstanceOf(BootstrapReply.Session.class, BootstrapReply.parse(run.stdout().strip()));
      assertEquals(nonce, reply.nonce());
      assertEquals(host.port(), reply.port());
      assertEquals("", run.stderr());
    }
  }

  @Test
  void withoutAHostAListHasNoSessionsAndAKillNoneToEndAndNoHostIsStarted() throws Exception {
    // et.host-launcher is not set here: starting a host would fail ("et-host is not executable").
    BootstrapNonce listNonce = BootstrapNonce.random();
    Run list = etterminal("ET1 LIST nonce=" + listNonce + "\n");

    assertEquals(0, list.status(), list.stderr());
    BootstrapReply.Sessions sessions = assertInstanceOf(BootstrapReply.Sessions.class, BootstrapReply.parse(list.stdout().strip()));
    assertEquals(listNonce, sessions.nonce());
    assertEquals(0, sessions.total());
    assertEquals("", list.stderr());

    BootstrapNonce killNonce = BootstrapNonce.random();
    Run kill = etterminal("ET1 KILL nonce=" + killNonce + " id=ABCD1234\n");

    assertEquals(1, kill.status());
    BootstrapReply.Error error = assertInstanceOf(BootstrapReply.Error.class, BootstrapReply.parse(kill.stdout().strip()));
    assertEquals(killNonce, error.nonce());
    assertEquals("no session of yours starts with abcd1234", error.reason());
    assertFalse(Files.exists(base.resolve("xdg/et")), "a host was started: its runtime directory exists");
  }

  @Test
  void aRunningHostAnswersTheList() throws Exception {
    try (SessionHost host = SessionHost.start(hostConfig())) {
      assertEquals(0, etterminal(request(BootstrapNonce.random())).status());
      Run list = etterminal("ET1 LIST nonce=" + BootstrapNonce.random() + "\n");

      assertEquals(0, list.status(), list.stderr());
      BootstrapReply.Sessions sessions = assertInstanceOf(BootstrapReply.Sessions.class, BootstrapReply.parse(list.stdout().strip()));
      assertEquals(1, sessions.total());
      assertEquals(1, host.sessionCount());
    }
  }

  @Test
  void aBadRequestGetsAnErrorLineWithItsNonceAndStatusOne() throws Exception {
    BootstrapNonce nonce = BootstrapNonce.random();
    Run run = etterminal("ET1 REQUEST nonce=" + nonce + " term=xterm cols=80 rows=24 colour=yes\n");

    assertEquals(1, run.status());
    BootstrapReply.Error error = assertInstanceOf(BootstrapReply.Error.class, BootstrapReply.parse(run.stdout().strip()));
    assertEquals(nonce, error.nonce());
    assertTrue(error.reason().contains("unknown field \"colour\""), error.reason());
    assertTrue(run.stderr().startsWith("etterminal: bad request: "), run.stderr());
  }

  @Test
  void withoutANonceThereIsNoAnswerLineOnlyAMessage() {
    Run run = etterminal("hello\n");
    assertEquals(1, run.status());
    assertEquals("", run.stdout());
    assertTrue(run.stderr().startsWith("etterminal: bad request: "), run.stderr());

    Run empty = etterminal("");
    assertEquals(1, empty.status());
    assertEquals("", empty.stdout());
    assertTrue(empty.stderr().contains("no request line on stdin"), empty.stderr());
  }

  @Test
  void aRuntimeDirectoryOpenToOthersIsNotUsed() throws Exception {
    Path runtime = Files.createDirectories(base.resolve("xdg/et"));
    Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwxrwxrwx"));
    BootstrapNonce nonce = BootstrapNonce.random();
    Run run = etterminal(request(nonce));

    assertEquals(1, run.status());
    BootstrapReply.Error error = assertInstanceOf(BootstrapReply.Error.class, BootstrapReply.parse(run.stdout().strip()));
    assertTrue(error.reason().contains("is open to others"), error.reason());
  }

  @Test
  void argumentsOtherThanHelpAndVersionAreRefused() {
    assertEquals(0, etterminal("", "--help").status());
    Run version = etterminal("", "--version");
    assertEquals(0, version.status());
    assertTrue(version.stdout().startsWith("etterminal "), version.stdout());
    Run data = etterminal("", "ET1", "REQUEST");
    assertEquals(2, data.status());
    assertTrue(data.stderr().contains("takes no arguments"), data.stderr());
  }

  @Test
  void etHostYieldsToAHostThatServesTheSameRuntimeDirectory() throws Exception {
    try (SessionHost first = SessionHost.start(hostConfig())) {
      assertNull(EtHost.startUnlessServed(hostConfig()));
      assertEquals(0, first.sessionCount());
    }
    // Once the first is gone, a new one starts.
    try (SessionHost second = EtHost.startUnlessServed(hostConfig())) {
      assertTrue(second != null && second.port() > 0);
    }
  }
}
