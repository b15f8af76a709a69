package et.e2e;

import static et.e2e.RemoteHost.PROMPT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import et.testkit.CapturedOutput;
import et.testkit.Escaped;
import et.testkit.LabProgram;
import et.testkit.NetLab;
import et.testkit.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real network outages under a terminal session: launcher/et runs in a PTY in the client namespace
 * of a {@link NetLab}, sshd and the session host in its server namespace, and the kernel cuts the
 * path between them. The remote shell prints numbered lines every 100 ms from before the fault to
 * after it; every line must arrive exactly once and in order, and the session must go on working
 * (a command typed afterwards runs, {@code exit 0} ends et with 0). Each test prints how long after
 * the network came back the output flowed again (measured, not asserted).
 *
 * <p>The et client connects to the ssh alias {@value et.testkit.SshServer#HOST_ALIAS}, which only
 * the ssh_config given with --ssh maps to the server's address.
 */
@EnabledOnOs(OS.LINUX)
class NetworkOutageE2ETest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  /** Longer than the client's dead-after (3 keepalives of 1 s): the connection is declared dead and redialed. */
  private static final Duration OUTAGE = Duration.ofSeconds(5);
  private static final int LINES = 80;
  private static final int FAULT_AFTER_LINE = 10;
  private static final String ROAMED_ADDRESS = "10.77.0.3";
  /** et's status line while disconnected; see et.client.term.StatusLine. */
  private static final String RECONNECTING = "et: connection lost, reconnecting";
  /** et's status line while every reconnection is refused without proof. */
  private static final String REFUSED_UNPROVEN = "refused: no such session (unverified); giving up in";
  /**
   * Idle connections the flood holds, and how soon the client must be back in spite of them: a
   * client kept out stalled 14 s before pending handshakes gave way to newcomers. Back within
   * 0.1-1 s here alone, but a whole CI run on 2 vCPUs has seen 6.1 and 6.3 s (not analysed).
   */
  private static final int FLOOD_CONNECTIONS = 600;
  private static final Duration RESUME_UNDER_FLOOD = Duration.ofSeconds(10);
  /** Refusals the forger must have sent before the path comes back (ET's client gave up after one). */
  private static final int FORGED_REFUSALS = 10;
  /** et's status line blocks: cursor saved (ESC 7) ... cursor restored (ESC 8). */
  private static final Pattern STATUS_LINE = Pattern.compile("\u001b7.*?\u001b8", Pattern.DOTALL);
  /** A line "L<n>": after a line end, or after the \r of bash's "bracketed paste off" before the first one. */
  private static final Pattern NUMBERED_LINE = Pattern.compile("(?<=[\r\n])L(\\d+)\r\n");

  @TempDir Path base;

  @Test
  void theClientsLinkDownForFiveSecondsLosesNothing() throws Exception {
    try (Lab lab = Lab.start(base)) {
      lab.runLoop();
      lab.netLab().clientLinkDown();
      lab.holdOutage();
      lab.netLab().clientLinkUp();
      lab.reportResumeAfter("link down " + OUTAGE.toSeconds() + " s, then up");
      lab.checkEveryLineOnce();
      lab.checkTheSessionWorks();
    }
  }

  @Test
  void roamingToANewAddressLosesNothing() throws Exception {
    try (Lab lab = Lab.start(base)) {
      lab.runLoop();
      lab.netLab().moveClientTo(ROAMED_ADDRESS);
      lab.reportResumeAfter("client address " + NetLab.CLIENT_ADDRESS + " -> " + ROAMED_ADDRESS);
      lab.checkEveryLineOnce();
      // The session goes on over a connection from the new address, and only that one.
      int etPort = lab.host().etPort();
      assertTrue(Poll.until(DEADLINE, () -> lab.netLab().serverConnectionPeers(etPort).equals(List.of(ROAMED_ADDRESS))),
          () -> "connections to the et port come from " + lab.netLab().serverConnectionPeers(etPort));
      lab.checkTheSessionWorks();
    }
  }

  @Test
  void aBlackholeOfFiveSecondsLosesNothing() throws Exception {
    assumeTrue(NetLab.canBlackhole(), "nft is not installed (apt-get install nftables)");
    try (Lab lab = Lab.start(base)) {
      lab.runLoop();
      lab.netLab().blackhole();
      lab.holdOutage();
      lab.netLab().endBlackhole();
      lab.reportResumeAfter("blackhole " + OUTAGE.toSeconds() + " s");
      lab.checkEveryLineOnce();
      lab.checkTheSessionWorks();
    }
  }

  /**
   * Issue 10's first attack: while the path is blackholed, a box on it answers every reconnection
   * with a refusal (REFUSE 1, no proof). Before refusals carried a proof, et gave up at the first;
   * now it waits them out, says so on its status line, and resumes once the path is back.
   */
  @Test
  void refusalsForgedDuringABlackholeDoNotEndTheSession() throws Exception {
    assumeTrue(NetLab.canBlackhole(), "nft is not installed (apt-get install nftables)");
    try (Lab lab = Lab.start(base)) {
      lab.runLoop();
      lab.netLab().blackhole();
      int refused;
      try (LabProgram forged = lab.netLab().forgeRefusals(lab.host().etPort())) {
        lab.screen().await(REFUSED_UNPROVEN, 0, DEADLINE);
        assertTrue(Poll.until(DEADLINE, () -> forged.count("refused") >= FORGED_REFUSALS),
            () -> "forged refusals sent: " + forged.count("refused"));
        refused = forged.count("refused");
      }
      lab.netLab().endBlackhole();
      lab.reportResumeAfter("blackhole with " + refused + " forged refusals");
      lab.checkEveryLineOnce();
      lab.checkTheSessionWorks();
    }
  }

  /**
   * Issue 10's second attack: idle connections held open from the path (and renewed whenever the
   * server drops one) used to fill every handshake slot, so a client that had to reconnect stalled
   * for 14 s. The flood comes from the client's own address, the hardest case: the per-source
   * share cannot tell them apart, only the eviction of the oldest pending handshake lets the client
   * in. The cut is a reset of the server's connections (the client's and the flood's), so the
   * flood is at full strength when the client dials again.
   */
  @Test
  void aFloodOfIdleConnectionsDoesNotKeepAReconnectingClientOut() throws Exception {
    try (Lab lab = Lab.start(base);
        LabProgram flood = lab.netLab().floodIdle(lab.host().etPort(), FLOOD_CONNECTIONS)) {
      lab.runLoop();
      int reset = lab.netLab().resetServerConnections(lab.host().etPort());
      Duration resumed = lab.reportResumeAfter("a reset of " + reset + " connections under a flood of "
          + FLOOD_CONNECTIONS + " idle connections (" + flood.count("renewed") + " renewed)");
      assertTrue(resumed.compareTo(RESUME_UNDER_FLOOD) <= 0, "output again after " + resumed.toMillis() + " ms");
      lab.checkEveryLineOnce();
      lab.checkTheSessionWorks();
    }
  }

  /**
   * The same flood through a blackhole of {@link #OUTAGE}, as the issue describes it: the flood's
   * connections fail with the client's and come back with it, and the client must be back within
   * {@link #RESUME_UNDER_FLOOD} of the restore.
   */
  @Test
  void aFloodOfIdleConnectionsDoesNotKeepAClientOutAfterABlackhole() throws Exception {
    assumeTrue(NetLab.canBlackhole(), "nft is not installed (apt-get install nftables)");
    try (Lab lab = Lab.start(base);
        LabProgram flood = lab.netLab().floodIdle(lab.host().etPort(), FLOOD_CONNECTIONS)) {
      lab.runLoop();
      lab.netLab().blackhole();
      lab.holdOutage();
      lab.netLab().endBlackhole();
      Duration resumed = lab.reportResumeAfter("blackhole " + OUTAGE.toSeconds() + " s under a flood of "
          + FLOOD_CONNECTIONS + " idle connections (" + flood.count("renewed") + " renewed)");
      assertTrue(resumed.compareTo(RESUME_UNDER_FLOOD) <= 0, "output again after " + resumed.toMillis() + " ms");
      lab.checkEveryLineOnce();
      lab.checkTheSessionWorks();
    }
  }

  /** The numbers of the lines "L<n>" in {@code text}, with et's status line blocks cut out first. */
  static List<Integer> numberedLines(String text) {
    Matcher m = NUMBERED_LINE.matcher(STATUS_LINE.matcher(text).replaceAll(""));
    List<Integer> numbers = new ArrayList<>();
    while (m.find()) {
      numbers.add(Integer.parseInt(m.group(1)));
    }
    return numbers;
  }

  /** One lab, the remote host in its server namespace, et in a PTY in its client namespace; closed in reverse. */
  private static final class Lab implements AutoCloseable {
    private final NetLab netLab;
    private final RemoteHost host;
    private final PtyEt et;
    private int loopStart;
    private int loopEnd;
    private long faultAt;

    private Lab(NetLab netLab, RemoteHost host, PtyEt et) {
      this.netLab = netLab;
      this.host = host;
      this.et = et;
    }

    static Lab start(Path base) throws Exception {
      NetLab netLab = RemoteHost.createLabOrSkip();
      RemoteHost host = null;
      PtyEt et = null;
      try {
        host = RemoteHost.startIn(base, netLab);
        List<String> command = new ArrayList<>(netLab.clientPrefix());
        command.addAll(host.etCommandToAlias());
        et = PtyEt.start(command, base, 100, 30);
        et.screen().await(PROMPT, 0, DEADLINE);
        return new Lab(netLab, host, et);
      } catch (Exception | Error e) {
        try {
          new Lab(netLab, host, et).close();
        } catch (Exception cleanup) {
          e.addSuppressed(cleanup);
        }
        throw e;
      }
    }

    NetLab netLab() {
      return netLab;
    }

    RemoteHost host() {
      return host;
    }

    CapturedOutput screen() {
      return et.screen();
    }

    /** Starts the remote loop and returns once it is under way (line {@value #FAULT_AFTER_LINE} arrived). */
    void runLoop() throws Exception {
      loopStart = screen().length();
      et.type("for i in $(seq 1 " + LINES + "); do echo \"L$i\"; sleep 0.1; done; echo END-$((40+2))\r");
      screen().await("\nL" + FAULT_AFTER_LINE + "\r\n", loopStart, DEADLINE);
      faultAt = System.nanoTime();
    }

    /**
     * Keeps the fault on until et showed that it noticed (its reconnect status line) and {@link
     * #OUTAGE} has passed since the fault began.
     */
    void holdOutage() throws InterruptedException {
      screen().await(RECONNECTING, loopStart, DEADLINE);
      long noticed = System.nanoTime() - faultAt;
      System.err.println("  et showed the outage " + Duration.ofNanos(noticed).toMillis() + " ms after it began");
      long left = OUTAGE.toNanos() - noticed;
      if (left > 0) {
        Thread.sleep(Duration.ofNanos(left)); // the length of the outage itself, not a wait for something
      }
    }

    /** Measures (and prints) how long after the network came back a new line arrives. */
    Duration reportResumeAfter(String fault) throws InterruptedException {
      long restored = System.nanoTime();
      int before = lastLine();
      assertTrue(Poll.until(DEADLINE, () -> lastLine() > before),
          () -> "no line after L" + before + " since " + fault + "; screen end: "
              + Escaped.of(screen().since(Math.max(0, screen().length() - 2000))));
      long resumed = System.nanoTime() - restored;
      System.err.println("NetworkOutageE2ETest: " + fault + ": output again " + Duration.ofNanos(resumed).toMillis()
          + " ms after the network came back (last line before: L" + before + ")");
      return Duration.ofNanos(resumed);
    }

    private int lastLine() {
      List<Integer> lines = numberedLines(screen().since(loopStart));
      return lines.isEmpty() ? 0 : lines.getLast();
    }

    /** Waits for the loop's end; each of its lines must have arrived once, in order. */
    void checkEveryLineOnce() throws InterruptedException {
      loopEnd = screen().await("END-42", loopStart, DEADLINE);
      assertEquals(IntStream.rangeClosed(1, LINES).boxed().toList(),
          numberedLines(screen().since(loopStart).substring(0, loopEnd - loopStart)),
          "the loop's lines on the local terminal");
    }

    /** A command typed after the loop runs, and {@code exit 0} ends et with status 0. */
    void checkTheSessionWorks() throws Exception {
      et.type("echo AFTER-$((6*7))\r");
      screen().await("AFTER-42", loopEnd, DEADLINE);
      et.type("exit 0\r");
      assertEquals(0, et.awaitEnding(DEADLINE).status(), "et's exit status");
    }

    @Override
    public void close() throws Exception {
      try {
        if (et != null) {
          et.close();
        }
      } finally {
        try {
          if (host != null) {
            host.close();
          }
        } finally {
          netLab.close();
        }
      }
    }
  }
}
