package et.e2e;

import static et.e2e.RemoteHost.PROMPT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import et.testkit.Escaped;
import et.testkit.NetLab;
import et.testkit.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code et --via-ssh} where sshd's port is the only one open (issue 12, ET #274): a firewall in
 * the lab's server namespace drops every other packet from the client, so et's connection can only
 * reach the session host through {@code ssh -W}. A reset of the ssh connection mid-output makes et
 * run ssh again; every line arrives once, in order.
 */
@EnabledOnOs(OS.LINUX)
class ViaSshE2ETest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final int LINES = 40;
  private static final int FAULT_AFTER_LINE = 10;

  @TempDir Path base;

  @Test
  void onlySshsPortOpenGivesAShellThatSurvivesAResetOfSsh() throws Exception {
    assumeTrue(NetLab.canBlackhole(), "nft is not installed (apt-get install nftables)");
    try (NetLab lab = RemoteHost.createLabOrSkip();
        RemoteHost host = RemoteHost.startIn(base, lab)) {
      lab.openOnly(host.sshd().port());
      List<String> command = new ArrayList<>(lab.clientPrefix());
      command.addAll(host.etCommandToAlias("--via-ssh"));
      try (PtyEt et = PtyEt.start(command, base, 100, 30)) {
        et.screen().await(PROMPT, 0, DEADLINE);
        // Only sshd, on the server itself, talks to the et port.
        assertEquals(List.of(NetLab.SERVER_ADDRESS), lab.serverConnectionPeers(host.etPort()));

        int loopStart = et.screen().length();
        et.type("for i in $(seq 1 " + LINES + "); do echo \"L$i\"; sleep 0.1; done; echo END-$((40+2))\r");
        et.screen().await("\nL" + FAULT_AFTER_LINE + "\r\n", loopStart, DEADLINE);
        int reset = lab.resetServerConnections(host.sshd().port());
        long resetAt = System.nanoTime();
        int before = lastLine(et, loopStart);
        assertTrue(Poll.until(DEADLINE, () -> lastLine(et, loopStart) > before),
            () -> "no line after L" + before + "; screen end: " + Escaped.of(et.screen().since(loopStart)));
        System.err.println("ViaSshE2ETest: a reset of " + reset + " ssh connections: output again "
            + Duration.ofNanos(System.nanoTime() - resetAt).toMillis() + " ms later (through a new ssh -W)");
        int loopEnd = et.screen().await("END-42", loopStart, DEADLINE);
        assertEquals(IntStream.rangeClosed(1, LINES).boxed().toList(),
            NetworkOutageE2ETest.numberedLines(et.screen().since(loopStart).substring(0, loopEnd - loopStart)));
        et.type("exit 0\r");
        assertEquals(0, et.awaitEnding(DEADLINE).status(), "et's exit status");
      }
    }
  }

  private static int lastLine(PtyEt et, int from) {
    List<Integer> lines = NetworkOutageE2ETest.numberedLines(et.screen().since(from));
    return lines.isEmpty() ? 0 : lines.getLast();
  }
}
