package et.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.EchoServer;
import et.testkit.Poll;
import et.testkit.SshServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the host forwards back to the client, end to end (real sshd, launchers, session host): {@code
 * -r} listeners on the host, TCP and unix, listening before the program starts, a bind the host's
 * config forbids reported while the session goes on; {@code -A} with a real ssh-agent, whose key the
 * et shell lists and logs in to sshd with.
 */
@EnabledOnOs(OS.LINUX)
class ReverseTunnelE2ETest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String HOLD = "read -r _";

  @TempDir static Path base;
  private static RemoteHost host;

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

  @Test
  void theProgramReachesThisMachineThroughAReverseTunnelAtOnce() throws Exception {
    try (EchoServer target = EchoServer.start()) {
      int remote = SshServer.freePort();
      // The command connects first thing: the host must listen before the program starts.
      String command = "exec 3<>/dev/tcp/127.0.0.1/" + remote + " && echo ping >&3 && read -r line <&3 && echo got:$line";
      try (EtProcess et = EtProcess.start(host.etCommand("-r", remote + ":" + target.port(), "-c", command))) {
        assertEquals(0, et.awaitExit(DEADLINE), et.stderr());
        assertEquals("got:ping\n", new String(et.stdout().readAllBytes(), StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void aUnixSocketListenerOnTheHostIsPrivateAndGoesWithTheSession() throws Exception {
    Path socket = base.resolve("reverse.sock");
    try (EchoServer target = EchoServer.start();
        EtProcess et = EtProcess.start(host.etCommand("-R", socket + ":" + target.port(), "-c", HOLD))) {
      assertTrue(Poll.until(DEADLINE, () -> Files.exists(socket)), "no listener at " + socket + ": " + et.stderr());
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
      try (SocketChannel connection = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        connection.connect(UnixDomainSocketAddress.of(socket));
        Channels.newOutputStream(connection).write("through unix".getBytes(StandardCharsets.UTF_8));
        connection.shutdownOutput();
        assertEquals("through unix", new String(Channels.newInputStream(connection).readAllBytes(), StandardCharsets.UTF_8));
      }
      et.stdin().write('\n');
      et.stdin().close();
      assertEquals(0, et.awaitExit(DEADLINE), et.stderr());
      assertTrue(Poll.until(DEADLINE, () -> !Files.exists(socket)), "the socket outlived its session");
    }
  }

  @Test
  void aListenerTheHostForbidsIsReportedAndTheSessionGoesOn() throws Exception {
    int remote = SshServer.freePort();
    try (EtProcess et = EtProcess.start(host.etCommand("-r", "0.0.0.0:" + remote + ":localhost:80", "-c", "echo up"))) {
      assertEquals(0, et.awaitExit(DEADLINE), et.stderr());
      assertEquals("up\n", new String(et.stdout().readAllBytes(), StandardCharsets.UTF_8));
      assertTrue(et.stderr().contains("the host cannot listen on 0.0.0.0:" + remote + ": listening on 0.0.0.0 is not allowed"),
          et.stderr());
    }
  }

  @Test
  void theEtShellUsesTheForwardedAgentToListAndLogInWithTheClientsKey() throws Exception {
    Path agentSocket = base.resolve("agent.sock");
    Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", agentSocket.toString()).redirectErrorStream(true).start();
    try {
      assertTrue(Poll.until(DEADLINE, () -> Files.exists(agentSocket)), "ssh-agent did not start");
      Map<String, String> withAgent = Map.of("SSH_AUTH_SOCK", agentSocket.toString());
      assertEquals(0, run(withAgent, "ssh-add", host.sshd().clientKey().toString()));
      String fingerprint = output(List.of("ssh-keygen", "-lf", host.sshd().clientKey().toString())).split(" ")[1];

      String login = "ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile="
          + host.sshd().knownHosts() + " -p " + host.sshd().port() + " " + host.sshd().user() + "@127.0.0.1 echo via-agent";
      try (EtProcess et = EtProcess.start(host.etCommand("-A", "-c", "ssh-add -l; " + login), withAgent)) {
        assertEquals(0, et.awaitExit(DEADLINE), et.stderr());
        String out = new String(et.stdout().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(out.contains(fingerprint), "ssh-add -l in the et shell lists the key: " + out);
        assertTrue(out.contains("via-agent\n"), "ssh logged in with the forwarded agent: " + out + et.stderr());
      }
    } finally {
      agent.destroy();
      agent.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
  }

  @Test
  void withoutAnAgentEtSaysSoAndTheShellHasNoAgentSocket() throws Exception {
    Map<String, String> noAgent = new HashMap<>();
    noAgent.put("SSH_AUTH_SOCK", null);
    try (EtProcess et = EtProcess.start(host.etCommand("-A", "-c", "echo agent:${SSH_AUTH_SOCK:-none}"), noAgent)) {
      assertEquals(0, et.awaitExit(DEADLINE), et.stderr());
      assertEquals("agent:none\n", new String(et.stdout().readAllBytes(), StandardCharsets.UTF_8));
      assertTrue(et.stderr().contains("no agent to forward: SSH_AUTH_SOCK is not set"), et.stderr());
    }
  }

  @Test
  void theForwardingsOfSshsConfigurationAreMadeByEtNotByTheBootstrapsSsh() throws Exception {
    try (EchoServer localTarget = EchoServer.start(); EchoServer remoteTarget = EchoServer.start()) {
      int localPort = SshServer.freePort();
      int remotePort = SshServer.freePort();
      Path config = base.resolve("ssh_config_forwards");
      Files.writeString(config, "Host " + SshServer.HOST_ALIAS + "\n"
          + "  LocalForward " + localPort + " 127.0.0.1:" + localTarget.port() + "\n"
          + "  RemoteForward " + remotePort + " 127.0.0.1:" + remoteTarget.port() + "\n"
          + Files.readString(host.sshd().clientConfig()));
      String command = "exec 3<>/dev/tcp/127.0.0.1/" + remotePort + " && echo ping >&3 && read -r line <&3 && echo got:$line; " + HOLD;
      try (EtProcess et = EtProcess.start(RemoteHost.etCommandTo(host.sshd().user() + "@" + SshServer.HOST_ALIAS,
          "ssh -F " + config, host.wrapper().toString(), "-c", command))) {
        assertEquals("got:ping", new BufferedReader(new InputStreamReader(et.stdout(), StandardCharsets.UTF_8)).readLine(),
            "the RemoteForward reached this machine: " + et.stderr());
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), localPort)) {
          client.getOutputStream().write("pong".getBytes(StandardCharsets.UTF_8));
          client.shutdownOutput();
          assertEquals("pong", new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8), "the LocalForward");
        }
        et.stdin().write('\n');
        et.stdin().close();
        assertEquals(0, et.awaitExit(DEADLINE), et.stderr());
        assertTrue(!et.stderr().contains("cannot listen"), "the bootstrap's ssh held a port: " + et.stderr());
      }
    }
  }

  private static int run(Map<String, String> environment, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process process = builder.start();
    process.getInputStream().readAllBytes();
    assertTrue(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), String.join(" ", command));
    return process.exitValue();
  }

  private static String output(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), String.join(" ", command));
    return text;
  }
}
