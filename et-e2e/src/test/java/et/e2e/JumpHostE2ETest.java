package et.e2e;

import static et.e2e.RemoteHost.PROMPT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.CommandResult;
import et.testkit.Commands;
import et.testkit.Escaped;
import et.testkit.NetLab;
import et.testkit.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code et -J} (issue 12) in a {@link NetLab} chain: the client reaches only the first jump host,
 * each jump host only its neighbours, the target only the last jump host. Every host runs its own
 * sshd and session host; ssh reaches the target through {@code ssh -J}, et's own connection through
 * the jump hosts' et relays. Prints how long output took to come back after each fault (measured,
 * not asserted).
 */
@EnabledOnOs(OS.LINUX)
class JumpHostE2ETest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final int LINES = 60;
  private static final String ROAMED_ADDRESS = "10.77.0.3";

  @TempDir Path base;

  @Test
  void oneJumpHostCarriesTheSessionThroughCutsOnEachHopAndARoam() throws Exception {
    try (Chain chain = Chain.start(base, 1)) {
      RemoteHost jump = chain.hosts().getFirst();
      // The jump host relays to the target's address only (server.conf permit-relay).
      Files.writeString(jump.home().resolve(".config/et/server.conf"), "permit-relay=10.78.0.2:*\n", StandardOpenOption.APPEND);
      PtyEt et = chain.startEt();
      RemoteHost target = chain.target();
      NetLab.Behind targetNs = chain.behind().getLast();
      // The target's et port hears only the jump host: the client cannot route there.
      assertEquals(List.of(targetNs.upstreamAddress()), chain.lab().connectionPeers(targetNs.namespace(), target.etPort()));

      Loop loop = Loop.start(et, LINES);
      loop.awaitLine(10);
      chain.lab().resetServerConnections(jump.etPort());
      loop.reportResume("cut client <-> jump (reset)");
      loop.awaitLine(loop.last() + 10);
      chain.lab().resetConnections(targetNs.namespace(), target.etPort());
      loop.reportResume("cut jump <-> target (reset)");
      loop.awaitLine(loop.last() + 10);
      chain.lab().moveClientTo(ROAMED_ADDRESS);
      loop.reportResume("client roamed " + NetLab.CLIENT_ADDRESS + " -> " + ROAMED_ADDRESS);
      loop.awaitLine(loop.last() + 10);
      chain.lab().setLinkUp(targetNs, false);
      // The status line names the path and the hop that is down, as the jump host's relay reported it.
      et.screen().await("reconnecting via jump1 -> target", loop.start(), DEADLINE);
      et.screen().await("(jump1 -> target: next hop unreachable", loop.start(), DEADLINE);
      chain.lab().setLinkUp(targetNs, true);
      loop.reportResume("link jump <-> target down until the status line named that hop, then up");
      loop.checkEveryLineOnce();

      // A stranger naming a grant the relay never made gets the unknown-session refusal (REFUSE).
      assertEquals("05", chain.probeRelay(jump.etPort()), "the relay's first answer byte to an unknown grant");
      // A grant for a destination the jump host's permit-relay does not list is refused.
      String refused = chain.askJump("ET1 RELAY nonce=" + "5a".repeat(16) + " to=10.99.0.1");
      assertTrue(refused.contains("ET1 ERROR") && refused.contains("permit-relay%20does%20not%20allow%2010.99.0.1"), refused);
      et.type("exit 0\r");
      assertEquals(0, et.awaitEnding(DEADLINE).status(), "et's exit status");
    }
  }

  @Test
  void twoJumpHostsEndToEndAndEachJumpHostsSessionHostDying() throws Exception {
    try (Chain chain = Chain.start(base, 2)) {
      PtyEt et = chain.startEt();
      NetLab.Behind targetNs = chain.behind().getLast();
      assertEquals(List.of(targetNs.upstreamAddress()),
          chain.lab().connectionPeers(targetNs.namespace(), chain.target().etPort()));
      et.type("echo TWO-HOPS-$((6*7))\r");
      et.screen().await("TWO-HOPS-42", 0, DEADLINE);
      // The first jump host's session host dies: et gets a new grant there over ssh (which starts
      // a new host) and the session goes on through it.
      ProcessHandle relayHost = chain.hosts().getFirst().sessionHost().orElseThrow();
      relayHost.destroyForcibly();
      long killedAt = System.nanoTime();
      int mark = et.screen().length();
      et.type("echo AFTER-RESTART-$((6*7))\r");
      et.screen().await("AFTER-RESTART-42", mark, DEADLINE);
      System.err.println("JumpHostE2ETest: the first jump host's session host killed: output again "
          + Duration.ofNanos(System.nanoTime() - killedAt).toMillis() + " ms later (a new grant over ssh)");
      assertTrue(chain.hosts().getFirst().sessionHost().map(h -> h.pid() != relayHost.pid()).orElse(false),
          "a new session host on the first jump host");
      // The second jump host's session host dies mid-output: the first relay finds its port closed,
      // et gets a new grant there over ssh through the first jump host, and no line is lost or doubled.
      RemoteHost secondJump = chain.hosts().get(1);
      ProcessHandle secondRelayHost = secondJump.sessionHost().orElseThrow();
      Loop loop = Loop.start(et, LINES);
      loop.awaitLine(10);
      secondRelayHost.destroyForcibly();
      loop.reportResume("the second jump host's session host killed (a new grant over ssh through jump1)");
      loop.checkEveryLineOnce();
      assertTrue(secondJump.sessionHost().map(h -> h.pid() != secondRelayHost.pid()).orElse(false),
          "a new session host on the second jump host");
      // et --list goes through the same jump hosts; the target sees its client at the last one,
      // and the path the client came through.
      chain.assertListed(targetNs.upstreamAddress() + " via jump1,jump2, now");
      et.type("exit 0\r");
      assertEquals(0, et.awaitEnding(DEADLINE).status(), "et's exit status");
    }
  }

  @Test
  void aProxyJumpInTheSshConfigurationGoesThroughTheRelayWithoutDashJ() throws Exception {
    try (Chain chain = Chain.start(base, 1, true)) {
      assertTrue(!chain.etCommand().contains("-J"), chain.etCommand()::toString);
      PtyEt et = chain.startEt();
      NetLab.Behind targetNs = chain.behind().getLast();
      // The client cannot route to the target: its et port hears only the jump host's relay.
      assertEquals(List.of(targetNs.upstreamAddress()),
          chain.lab().connectionPeers(targetNs.namespace(), chain.target().etPort()));
      int mark = et.screen().length();
      et.type("echo PROXY-JUMP-$((6*7))\r");
      et.screen().await("PROXY-JUMP-42", mark, DEADLINE);
      chain.assertListed(targetNs.upstreamAddress() + " via jump1, now");
      et.type("exit 0\r");
      assertEquals(0, et.awaitEnding(DEADLINE).status(), "et's exit status");
    }
  }

  /** The numbered loop the remote shell prints, and what arrived of it. */
  private record Loop(PtyEt et, int start, int lines) {
    static Loop start(PtyEt et, int lines) throws IOException {
      int start = et.screen().length();
      et.type("for i in $(seq 1 " + lines + "); do echo \"L$i\"; sleep 0.1; done; echo END-$((40+2))\r");
      return new Loop(et, start, lines);
    }

    int last() {
      List<Integer> seen = NetworkOutageE2ETest.numberedLines(et.screen().since(start));
      return seen.isEmpty() ? 0 : seen.getLast();
    }

    void awaitLine(int n) throws InterruptedException {
      assertTrue(Poll.until(DEADLINE, () -> last() >= n), () -> "no line L" + n + "; screen end: "
          + Escaped.of(et.screen().since(Math.max(start, et.screen().length() - 2000))));
    }

    void reportResume(String fault) throws InterruptedException {
      long at = System.nanoTime();
      int before = last();
      awaitLine(before + 1);
      System.err.println("JumpHostE2ETest: " + fault + ": output again "
          + Duration.ofNanos(System.nanoTime() - at).toMillis() + " ms later (last line before: L" + before + ")");
    }

    void checkEveryLineOnce() throws InterruptedException {
      int end = et.screen().await("END-42", start, DEADLINE);
      assertEquals(IntStream.rangeClosed(1, lines).boxed().toList(),
          NetworkOutageE2ETest.numberedLines(et.screen().since(start).substring(0, end - start)));
    }
  }

  /**
   * A lab of {@code jumps} jump hosts and a target (the server namespace, then hosts behind it),
   * each with sshd and a session host; one ssh_config names them jump1..jumpN and target, and one
   * --terminal-path script starts the etterminal wrapper of the namespace it runs in. With {@code
   * proxyJump}, the ssh_config gives the target's jump hosts (ProxyJump) and et is run without -J.
   */
  private record Chain(NetLab lab, List<RemoteHost> hosts, List<NetLab.Behind> behind, Path sshConfig, Path terminal,
      List<PtyEt> ets, boolean proxyJump) implements AutoCloseable {

    static Chain start(Path base, int jumps) throws Exception {
      return start(base, jumps, false);
    }

    static Chain start(Path base, int jumps, boolean proxyJump) throws Exception {
      NetLab lab = RemoteHost.createLabOrSkip();
      Chain chain = new Chain(lab, new ArrayList<>(), new ArrayList<>(), base.resolve("ssh_config"),
          base.resolve("etterminal-here"), new ArrayList<>(), proxyJump);
      try {
        chain.hosts.add(RemoteHost.startIn(base.resolve("h0"), lab));
        for (int i = 1; i <= jumps; i++) {
          NetLab.Behind next = lab.addHostBehind();
          chain.behind.add(next);
          chain.hosts.add(RemoteHost.startAt(base.resolve("h" + i), next.address(), next.prefix()));
        }
        chain.writeFiles();
        return chain;
      } catch (Exception | Error e) {
        chain.close();
        throw e;
      }
    }

    RemoteHost target() {
      return hosts.getLast();
    }

    private String alias(int i) {
      return i == hosts.size() - 1 ? "target" : "jump" + (i + 1);
    }

    private String jumps() {
      return IntStream.range(0, hosts.size() - 1).mapToObj(this::alias).collect(Collectors.joining(","));
    }

    private void writeFiles() throws IOException {
      // ssh takes the first value it finds: this block comes before the target's own.
      StringBuilder config = new StringBuilder(proxyJump ? "Host target\n  ProxyJump " + jumps() + "\n" : "");
      StringBuilder dispatch = new StringBuilder("#!/bin/sh\ncase \"$(" + ip() + " netns identify)\" in\n");
      List<String> namespaces = Stream.concat(Stream.of(lab.serverNamespace()),
          behind.stream().map(NetLab.Behind::namespace)).toList();
      for (int i = 0; i < hosts.size(); i++) {
        config.append(hosts.get(i).sshd().clientConfigText(alias(i)));
        dispatch.append("  ").append(namespaces.get(i)).append(") exec '").append(hosts.get(i).wrapper())
            .append("' \"$@\" ;;\n");
      }
      dispatch.append("esac\necho \"no etterminal wrapper for this namespace\" >&2\nexit 127\n");
      Files.writeString(sshConfig, config);
      Files.writeString(terminal, dispatch);
      Files.setPosixFilePermissions(terminal, PosixFilePermissions.fromString("rwx------"));
    }

    /**
     * {@code et --ssh 'ssh -F CONFIG' --terminal-path SCRIPT -J jump1,... target}, in the client
     * namespace; without {@code -J} when the ssh_config names the jump hosts.
     */
    List<String> etCommand() {
      List<String> command = new ArrayList<>(lab.clientPrefix());
      command.addAll(List.of(RemoteHost.ET.toString(), "--ssh", "ssh -F " + sshConfig, "--terminal-path", terminal.toString()));
      if (!proxyJump) {
        command.addAll(List.of("-J", jumps()));
      }
      command.add("target");
      return command;
    }

    PtyEt startEt() throws IOException, InterruptedException {
      PtyEt et = PtyEt.start(etCommand(), sshConfig.getParent(), 100, 30);
      ets.add(et);
      et.screen().await(PROMPT, 0, DEADLINE);
      return et;
    }

    /** Runs {@code et --list} on the target as {@link #etCommand} reaches it; asserts its table holds {@code cell}. */
    void assertListed(String cell) {
      List<String> list = new ArrayList<>(etCommand());
      list.add(list.size() - 1, "--list");
      CommandResult listed = Commands.run(list, DEADLINE);
      assertTrue(listed.succeeded() && listed.stdout().contains(cell), listed::toString);
    }

    /**
     * Sends, from the client namespace, a RELAY_HELLO naming a random grant to the first jump
     * host's et port; returns the first byte of the answer in hex (empty when the relay closed).
     */
    String probeRelay(int port) {
      String hello = "\\x06" + "\\x00".repeat(4 + 8) + "\\x00\\x00\\x00\\x31" + "\\x01" + "\\x5a".repeat(48);
      String script = "exec 3<>/dev/tcp/" + NetLab.SERVER_ADDRESS + "/" + port + "; printf '" + hello
          + "' >&3; head -c 1 <&3 | od -An -tx1";
      List<String> command = new ArrayList<>(lab.clientPrefix());
      command.addAll(List.of("bash", "-c", script));
      CommandResult result = Commands.run(command, Duration.ofSeconds(10));
      return result.stdout().strip();
    }

    /** Sends one request line to the first jump host's etterminal over ssh (from the client); returns its stdout. */
    String askJump(String line) {
      List<String> command = new ArrayList<>(lab.clientPrefix());
      command.addAll(List.of("ssh", "-F", sshConfig.toString(), "-T", "jump1", "--", terminal.toString()));
      return Commands.run(command, (line + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII), Duration.ofSeconds(10))
          .stdout();
    }

    private static String ip() {
      return Stream.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip").filter(p -> Files.isExecutable(Path.of(p)))
          .findFirst().orElse("ip");
    }

    @Override
    public void close() throws Exception {
      try {
        ets.forEach(PtyEt::close);
        for (RemoteHost host : hosts.reversed()) {
          host.close();
        }
      } finally {
        lab.close();
      }
    }
  }
}
