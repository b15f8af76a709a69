package et.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SshCommandTest {

  private static ClientOptions options(
      String user, String host, List<String> ssh, List<String> sshOptions, String terminalPath) {
    return new ClientOptions(Optional.ofNullable(user), host, OptionalInt.empty(), Optional.empty(), false,
        ssh, sshOptions, terminalPath, Duration.ofSeconds(1), Duration.ofMinutes(10), LogSettings.QUIET, List.of(), List.of(), List.of(), false, false, Route.DIRECT, true, new HostAction.NewSession(false));
  }

  static Stream<Arguments> commands() {
    return Stream.of(
        Arguments.of(options(null, "myhost", List.of("ssh"), List.of(), "etterminal"),
            List.of("ssh", "-T", "-a", "-x", "-o", "ClearAllForwardings=yes", "myhost", "--", "etterminal")),
        Arguments.of(options("alice", "myhost", List.of("ssh"), List.of(), "etterminal"),
            List.of("ssh", "-T", "-a", "-x", "-o", "ClearAllForwardings=yes", "-l", "alice", "myhost", "--", "etterminal")),
        Arguments.of(options(null, "::1", List.of("ssh"), List.of(), "etterminal"),
            List.of("ssh", "-T", "-a", "-x", "-o", "ClearAllForwardings=yes", "::1", "--", "etterminal")),
        Arguments.of(
            options("alice", "myhost", List.of("/usr/bin/ssh", "-J", "bastion"), List.of("Port=2222", "BatchMode=yes"),
                "/opt/et/bin/etterminal"),
            List.of("/usr/bin/ssh", "-J", "bastion", "-T", "-a", "-x", "-o", "ClearAllForwardings=yes", "-o", "Port=2222", "-o", "BatchMode=yes", "-l", "alice",
                "myhost", "--", "/opt/et/bin/etterminal")));
  }

  @Test
  void theStdioForwardRunsInBatchModeWithoutForwardings() {
    assertEquals(List.of("ssh", "-p", "22", "-o", "BatchMode=yes", "-a", "-x", "-o", "ClearAllForwardings=yes",
            "-W", "[fd00::1]:2022", "-o", "Port=2222", "-l", "alice", "myhost"),
        SshCommand.stdioForward(options("alice", "myhost", List.of("ssh", "-p", "22"), List.of("Port=2222"), "etterminal"),
            "fd00::1", 2022));
  }

  @Test
  void aJumpHostIsBootstrappedThroughTheHopsBeforeItAndTheHostThroughAllOfThem() {
    List<JumpHost> hops = JumpHost.parseChain("a,bob@b:2222");
    ClientOptions options = new ClientOptions(Optional.empty(), "target", OptionalInt.empty(), Optional.empty(), false,
        List.of("ssh"), List.of("Port=22"), "etterminal", Duration.ofSeconds(1), Duration.ofMinutes(10), LogSettings.QUIET,
        List.of(), List.of(), List.of(), false, false, new Route(false, hops), true, new HostAction.NewSession(false));
    assertEquals(List.of("ssh", "-T", "-a", "-x", "-o", "ClearAllForwardings=yes", "-o", "BatchMode=yes", "-J", "a",
        "-p", "2222", "-l", "bob", "b", "--", "etterminal"), SshCommand.jumpBootstrap(options, hops.subList(0, 1), hops.get(1), true));
    assertEquals(List.of("ssh", "-T", "-a", "-x", "-o", "ClearAllForwardings=yes", "a", "--", "etterminal"),
        SshCommand.jumpBootstrap(options, List.of(), hops.get(0), false));
    assertEquals(List.of("ssh", "-T", "-a", "-x", "-o", "ClearAllForwardings=yes", "-J", "a,bob@b:2222", "-o", "Port=22",
        "target", "--", "etterminal"), SshCommand.build(options));
    assertEquals(List.of("ssh", "-G", "-p", "2222", "-l", "bob", "b"), SshCommand.jumpConfigQuery(options, hops.get(1)));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("commands")
  void buildsTheArgv(ClientOptions options, List<String> argv) {
    assertEquals(argv, SshCommand.build(options));
  }

  @Test
  void fromTheCommandLine() {
    EtCommandTest.Outcome run = EtCommandTest.et(
        "--ssh", "ssh -o 'ProxyCommand=nc %h %p'", "--ssh-option", "Compression=yes", "-p", "2022", "bob@myhost");
    assertEquals(
        List.of("ssh", "-o", "ProxyCommand=nc %h %p", "-T", "-a", "-x", "-o", "ClearAllForwardings=yes", "-o", "Compression=yes", "-l", "bob", "myhost", "--",
            "etterminal"),
        SshCommand.build(run.options()));
  }

  @Test
  void theConfigQueryHasTheBootstrapsSshWordsOptionsUserAndHost() {
    EtCommandTest.Outcome run = EtCommandTest.et(
        "--ssh", "ssh -F cfg", "--ssh-option", "Compression=yes", "-c", "secret-command", "-p", "2022", "bob@myhost");
    assertEquals(List.of("ssh", "-F", "cfg", "-G", "-o", "Compression=yes", "-l", "bob", "myhost"),
        SshCommand.configQuery(run.options()));
    assertEquals(List.of("ssh", "-G", "myhost"), SshCommand.configQuery(EtCommandTest.et("myhost").options()));
  }

  /**
   * Any local user can read a process's argv (ps, /proc/PID/cmdline): the command, which may carry
   * a secret, travels in the bootstrap request over ssh's stdin. The argv holds only the ssh words,
   * the flags et adds, the ssh options, the user, the host and the terminal path, nothing else.
   */
  @Test
  void noSecretEverOnTheArgv() {
    String secretCommand = "curl -H 'Authorization: Bearer s3cr3t-t0ken' https://example.invalid";
    EtCommandTest.Outcome run = EtCommandTest.et("-c", secretCommand, "-e", "-p", "4321", "-k", "7", "alice@myhost");
    ClientOptions options = run.options();
    List<String> argv = SshCommand.build(options);

    for (String word : argv) {
      assertFalse(word.contains("s3cr3t"), () -> "secret leaked into argv " + argv);
      assertFalse(word.contains("Bearer") || word.contains("curl"), () -> "command leaked into argv " + argv);
      assertFalse(word.contains("4321"), () -> "the et port is not ssh's: " + argv);
      assertFalse(word.matches("(?i).*(nonce|secret|passw).*"), () -> "secret-like word in argv " + argv);
    }
    Set<String> allowed = new HashSet<>(options.sshArgv());
    allowed.addAll(options.sshOptions());
    allowed.addAll(List.of("-T", "-a", "-x", "ClearAllForwardings=yes", "-o", "-l", "--", "alice", "myhost", options.terminalPath()));
    assertTrue(allowed.containsAll(argv), () -> "unexpected word in " + argv);
  }
}
