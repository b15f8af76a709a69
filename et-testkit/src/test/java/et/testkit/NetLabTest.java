package et.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The network lab against the kernel: a private sshd in the server namespace is reachable from the
 * client namespace (by ssh and by a bare TCP connect) exactly when no fault is on, and the lab
 * leaves no namespace or process behind, not even one of a JVM that died before its cleanup.
 */
class NetLabTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static NetLab createOrSkip() throws InterruptedException {
    try {
      return NetLab.create();
    } catch (NetLab.UnavailableException e) {
      Assumptions.abort("no network namespaces here: " + e.getMessage());
      throw new AssertionError("not reached");
    }
  }

  @Test
  void theServerIsReachableExactlyWhenNoFaultIsOn() throws Exception {
    assumeTrue(NetLab.canBlackhole(), "nft is not installed (apt-get install nftables)");
    try (NetLab lab = createOrSkip();
        SshServer sshd = SshServer.start(NetLab.SERVER_ADDRESS, lab.serverPrefix())) {
      List<String> ssh = new ArrayList<>(lab.clientPrefix());
      ssh.addAll(sshd.sshCommand());
      ssh.addAll(List.of(SshServer.HOST_ALIAS, "--", "echo from-the-server-namespace"));
      CommandResult login = Commands.run(ssh, TIMEOUT);
      assertEquals("from-the-server-namespace\n", login.stdout(), login.toString());

      assertEquals(0, connect(lab, sshd), "reachable at first");
      lab.clientLinkDown();
      assertEquals(1, connect(lab, sshd), "the client's link is down: no route, the connect fails at once");
      lab.clientLinkUp();
      assertEquals(0, connect(lab, sshd), "link up again");
      lab.blackhole();
      assertEquals(124, connect(lab, sshd), "blackholed: no answer at all, the connect runs into the timeout");
      lab.endBlackhole();
      assertEquals(0, connect(lab, sshd), "blackhole ended");
      lab.moveClientTo("10.77.0.3");
      assertEquals("10.77.0.3", lab.clientAddress());
      CommandResult addresses = Commands.check(
          List.of("ip", "-n", lab.clientNamespace(), "-4", "-o", "addr", "show", "dev", "c0"), TIMEOUT);
      assertTrue(addresses.stdout().contains("10.77.0.3/24"), addresses.stdout());
      assertFalse(addresses.stdout().contains("10.77.0.2/"), addresses.stdout());
      assertEquals(0, connect(lab, sshd), "reachable from the new address");
    }
  }

  @Test
  void closeEndsWhatRunsInsideAndDeletesBothNamespaces() throws Exception {
    NetLab lab = createOrSkip();
    List<String> sleep = new ArrayList<>(lab.clientPrefix());
    sleep.addAll(List.of("sleep", "60"));
    Process sleeper = new ProcessBuilder(sleep).start();
    try {
      assertTrue(namespaces().containsAll(List.of(lab.clientNamespace(), lab.serverNamespace())), namespaces().toString());
      assertTrue(Poll.until(TIMEOUT, () -> inNamespace(lab.clientNamespace(), sleeper.pid())), "sleep never ran in the lab");
    } finally {
      lab.close();
    }
    assertTrue(Poll.until(TIMEOUT, () -> Processes.isGone(sleeper.toHandle())), "sleep still runs");
    assertFalse(namespaces().contains(lab.clientNamespace()), namespaces().toString());
    assertFalse(namespaces().contains(lab.serverNamespace()), namespaces().toString());
  }

  @Test
  void aLabOfAJvmThatNoLongerRunsIsRemovedByTheNextOne() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    String stale = NetLab.PREFIX + gone.pid() + "-1-c";
    CommandResult added = Commands.run(List.of("ip", "netns", "add", stale), TIMEOUT);
    assumeTrue(added.succeeded(), () -> "no network namespaces here: " + added.stderr());
    try (NetLab lab = createOrSkip()) {
      assertFalse(namespaces().contains(stale), namespaces().toString());
      assertTrue(namespaces().contains(lab.clientNamespace()));
    } finally {
      Commands.run(List.of("ip", "netns", "del", stale), TIMEOUT);
    }
  }

  /** A bare TCP connect from the client namespace to sshd: bash's status, 124 when it timed out. */
  private static int connect(NetLab lab, SshServer sshd) {
    List<String> command = new ArrayList<>(lab.clientPrefix());
    command.addAll(List.of("timeout", "2", "bash", "-c",
        "exec 3<>/dev/tcp/" + NetLab.SERVER_ADDRESS + "/" + sshd.port()));
    return Commands.run(command, TIMEOUT).status();
  }

  private static List<String> namespaces() {
    return Commands.check(List.of("ip", "netns", "list"), TIMEOUT).stdout().lines()
        .map(line -> line.strip().split("\\s+")[0])
        .toList();
  }

  private static boolean inNamespace(String namespace, long pid) {
    return Commands.check(List.of("ip", "netns", "pids", namespace), TIMEOUT).stdout().lines()
        .anyMatch(line -> line.strip().equals(Long.toString(pid)));
  }
}
