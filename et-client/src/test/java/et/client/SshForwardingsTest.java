package et.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.client.cli.ClientOptions;
import et.client.cli.EtCommand;
import et.client.cli.TunnelSpec.Tunnel;
import et.terminal.forward.Endpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * ssh's configuration's forwardings: as a real {@code ssh -G} prints them, each form et takes, the
 * lines it skips with their reason, and how they join the command line's (agent settings too).
 */
class SshForwardingsTest {
  @TempDir Path dir;

  @Test
  void whatARealSshPrintsForAHostsForwardingsIsTaken() throws Exception {
    Path config = dir.resolve("config");
    Files.writeString(config, """
        Host fwd
          HostName 127.0.0.1
          LocalForward 8080 localhost:80
          LocalForward 127.0.0.1:8082 db:5432
          LocalForward [::1]:8081 [2001:db8::1]:80
          LocalForward /tmp/a.sock /tmp/b.sock
          RemoteForward 9000 /tmp/x.sock
          RemoteForward 9001
          DynamicForward 1080
          ForwardAgent yes
        """);
    Process ssh = new ProcessBuilder("ssh", "-F", config.toString(), "-G", "fwd").redirectErrorStream(true).start();
    String dump = new String(ssh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(ssh.waitFor(10, TimeUnit.SECONDS));
    assertEquals(0, ssh.exitValue(), dump);

    SshForwardings forwardings = SshForwardings.parse(dump);
    assertEquals(List.of(
            new Tunnel(Endpoint.loopback(8080), new Endpoint.Tcp("localhost", 80)),
            new Tunnel(new Endpoint.Tcp("127.0.0.1", 8082), new Endpoint.Tcp("db", 5432)),
            new Tunnel(new Endpoint.Tcp("::1", 8081), new Endpoint.Tcp("2001:db8::1", 80)),
            new Tunnel(new Endpoint.Unix("/tmp/a.sock"), new Endpoint.Unix("/tmp/b.sock"))),
        forwardings.local());
    assertEquals(List.of(new Tunnel(Endpoint.loopback(9000), new Endpoint.Unix("/tmp/x.sock"))), forwardings.remote());
    assertEquals(List.of(Endpoint.loopback(1080)), forwardings.dynamic(), "the unix local forward ssh also lists is not a SOCKS proxy");
    assertEquals(Optional.of("yes"), forwardings.agent());
    assertEquals(1, forwardings.skipped().size(), forwardings.skipped().toString());
    assertTrue(forwardings.skipped().getFirst().contains("remote SOCKS forwarding is not supported"), forwardings.skipped().toString());
  }

  @Test
  void badLinesAreSkippedWithTheirReasonAndNothingElseIsTaken() {
    SshForwardings forwardings = SshForwardings.parse(String.join("\n",
        "hostname example.org", "localforward 70000 [x]:1", "localforward 8080", "localforward 8080 x", "remoteforward [*]:22 [a b]:1",
        "dynamicforward [*]:1080", "forwardagent no", "user localforward"));
    assertEquals(List.of(), forwardings.local());
    assertEquals(List.of(), forwardings.remote());
    assertEquals(List.of(new Endpoint.Tcp("0.0.0.0", 1080)), forwardings.dynamic(), "* is every address");
    assertEquals(Optional.empty(), forwardings.agent());
    assertEquals(4, forwardings.skipped().size(), forwardings.skipped().toString());
    assertTrue(forwardings.skipped().get(0).contains("port out of 1..65535"), forwardings.skipped().toString());
  }

  @Test
  void theConfigurationsForwardingsFollowTheCommandLinesAndTheAgentSettingPicksTheSocket() {
    SshForwardings fromSsh = SshForwardings.parse(
        "localforward 8080 [web]:80\nremoteforward 9000 [localhost]:3000\ndynamicforward 1080\nforwardagent $MY_AGENT\n");
    List<String> warnings = new ArrayList<>();
    Map<String, String> environment = new HashMap<>(Map.of("MY_AGENT", "/run/my.sock", "SSH_AUTH_SOCK", "/run/default.sock"));

    Forwardings none = Forwardings.of(options("myhost"), fromSsh, environment, warnings::add);
    assertEquals(List.of(new Tunnel(Endpoint.loopback(8080), new Endpoint.Tcp("web", 80))), none.local());
    assertEquals(List.of(new Tunnel(Endpoint.loopback(9000), new Endpoint.Tcp("localhost", 3000))), none.remote());
    assertEquals(List.of(Endpoint.loopback(1080)), none.socks());
    assertEquals(Optional.of(new Endpoint.Unix("/run/my.sock")), none.agent(), "ForwardAgent $MY_AGENT");

    Forwardings both = Forwardings.of(options("-A", "-t", "1:2", "-D", "1081", "myhost"), fromSsh, environment, warnings::add);
    assertEquals(List.of(Endpoint.loopback(1), Endpoint.loopback(8080)), both.local().stream().map(Tunnel::listen).toList(),
        "the command line's first");
    assertEquals(List.of(Endpoint.loopback(1081), Endpoint.loopback(1080)), both.socks());
    assertEquals(Optional.of(new Endpoint.Unix("/run/default.sock")), both.agent(), "-A takes SSH_AUTH_SOCK");
    assertEquals(List.of(), warnings);

    environment.remove("SSH_AUTH_SOCK");
    Forwardings noAgent = Forwardings.of(options("-A", "myhost"), SshForwardings.NONE, environment, warnings::add);
    assertEquals(Optional.empty(), noAgent.agent());
    assertEquals(List.of("no agent to forward: SSH_AUTH_SOCK is not set (start ssh-agent, or leave out -A)"), warnings);
  }

  /** The options et's command line makes of {@code args}. */
  private static ClientOptions options(String... args) {
    AtomicReference<ClientOptions> parsed = new AtomicReference<>();
    new CommandLine(new EtCommand((options, out, err) -> {
      parsed.set(options);
      return 0;
    })).execute(args);
    return parsed.get();
  }
}
