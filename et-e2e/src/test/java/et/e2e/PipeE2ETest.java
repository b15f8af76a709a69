package et.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.FaultRelay;
import et.testkit.TestSeed;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipe mode ({@code et -c CMD} without a terminal) end to end, with the et connection going through
 * a {@link FaultRelay} ({@code -p <relay port>}; the relay forwards to the host's fixed et port)
 * that cuts and blackholes it while the data flows: every byte arrives, once, in order.
 */
@EnabledOnOs(OS.LINUX)
class PipeE2ETest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

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

  private static FaultRelay relayToHost() throws IOException {
    return new FaultRelay(new InetSocketAddress(InetAddress.getLoopbackAddress(), host.etPort()));
  }

  @Test
  void stdoutStdinAndTheExitStatus() throws Exception {
    try (EtProcess et = EtProcess.start(host.etCommand("-c", "echo hi; cat; exit 3"))) {
      et.stdin().write("from stdin\n".getBytes(StandardCharsets.UTF_8));
      et.stdin().close();
      String out = new String(et.stdout().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(3, et.awaitExit(DEADLINE), et.stderr());
      assertEquals("hi\nfrom stdin\n", out);
    }
  }

  /**
   * {@value et.testkit.SshServer#HOST_ALIAS} exists only in the ssh_config given with --ssh (HostName
   * 127.0.0.1): et's own connection must go where ssh's does, not to the alias as a DNS name.
   */
  @Test
  void anSshConfigAliasLeadsEtsOwnConnectionToo() throws Exception {
    try (EtProcess et = EtProcess.start(host.etCommandToAlias("-c", "echo through-the-alias"))) {
      et.stdin().close();
      String out = new String(et.stdout().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, et.awaitExit(DEADLINE), et.stderr());
      assertEquals("through-the-alias\n", out);
    }
  }

  @Test
  void sixtyFourMebibytesOfRandomBytesArriveIntactThroughFiveCuts() throws Exception {
    long size = 64L << 20;
    Random random = new Random(TestSeed.forTest("64MiB through cuts"));
    long[] cutsAt = LongStream.generate(() -> 1 + (long) (random.nextDouble() * (size - 1))).limit(5).sorted().toArray();
    // tee copies to fd 3 (et's stdout); the remote digest goes to stderr once the pipe is done.
    String command = "{ head -c " + size + " /dev/urandom | tee /dev/fd/3 | sha256sum >&2; } 3>&1" + HOLD;
    try (FaultRelay relay = relayToHost();
        EtProcess et = EtProcess.start(host.etCommand("-p", "" + relay.port(), "-c", command))) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      InputStream out = et.stdout();
      byte[] buffer = new byte[65536];
      long received = 0;
      int nextCut = 0;
      long start = System.nanoTime();
      for (int n; received < size && (n = out.read(buffer, 0, (int) Math.min(buffer.length, size - received))) >= 0; ) {
        digest.update(buffer, 0, n);
        received += n;
        while (nextCut < cutsAt.length && received >= cutsAt[nextCut]) {
          cutAndAwaitReconnect(relay);
          nextCut++;
        }
      }
      release(et);
      assertEquals(-1, out.read(), "nothing after the 64 MiB");
      int status = et.awaitExit(DEADLINE);
      System.err.println("64 MiB with " + nextCut + " cuts: " + Duration.ofNanos(System.nanoTime() - start).toMillis()
          + " ms, " + relay.connectionsAccepted() + " connections");
      assertEquals(0, status, et.stderr());
      assertEquals(size, received);
      assertEquals(cutsAt.length, nextCut);
      Matcher remote = Pattern.compile("\\b([0-9a-f]{64})\\s+-").matcher(et.stderr());
      assertTrue(remote.find(), "no remote sha256sum on stderr: " + et.stderr());
      assertEquals(remote.group(1), HexFormat.of().formatHex(digest.digest()));
    }
  }

  @Test
  void everyLineOfSeqArrivesOnceAndInOrderThroughCutsAndBlackholes() throws Exception {
    int lines = 200_000;
    Random random = new Random(TestSeed.forTest("seq through cuts and blackholes"));
    int[] faultsAt = random.ints(5, 1, lines).sorted().toArray();
    // The shell writes line by line (one write each), so the output trickles over many frames.
    String command = "seq 1 " + lines + " | while read -r n; do echo \"$n\"; done" + HOLD;
    try (FaultRelay relay = relayToHost();
        EtProcess et = EtProcess.start(host.etCommand("-p", "" + relay.port(), "-c", command))) {
      BufferedReader out = new BufferedReader(new InputStreamReader(et.stdout(), StandardCharsets.US_ASCII));
      int expected = 1;
      int fault = 0;
      long start = System.nanoTime();
      for (String line; expected <= lines && (line = out.readLine()) != null; expected++) {
        assertEquals(Integer.toString(expected), line, "line " + expected);
        while (fault < faultsAt.length && expected >= faultsAt[fault]) {
          if (fault % 2 == 0) {
            cutAndAwaitReconnect(relay);
          } else {
            // Longer than the client's dead-after (3 keepalives of 1 s) on the second one: redialed.
            blackhole(relay, Duration.ofMillis(fault == 1 ? 1500 : 4000));
          }
          fault++;
        }
      }
      release(et);
      assertEquals(null, out.readLine(), "nothing after line " + lines);
      int status = et.awaitExit(DEADLINE);
      System.err.println("seq " + lines + " with " + fault + " faults: " + Duration.ofNanos(System.nanoTime() - start).toMillis()
          + " ms, " + relay.connectionsAccepted() + " connections");
      assertEquals(0, status, et.stderr());
      assertEquals(lines + 1, expected, "lines received + 1");
      assertEquals(faultsAt.length, fault);
    }
  }

  @Test
  void twoClientsAtOnceOneThroughAFlakyRelayDoNotMix() throws Exception {
    int lines = 50_000;
    try (FaultRelay relay = relayToHost();
        EtProcess direct = EtProcess.start(host.etCommand("-c", "seq 1 " + lines + " | while read -r n; do echo \"A$n\"; done" + HOLD));
        EtProcess flaky = EtProcess.start(host.etCommand("-p", "" + relay.port(), "-c",
            "seq 1 " + lines + " | while read -r n; do echo \"B$n\"; done" + HOLD));
        ExecutorService readers = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().factory())) {
      AtomicInteger readA = new AtomicInteger();
      AtomicInteger readB = new AtomicInteger();
      Future<Integer> a = readers.submit(() -> checkLines(direct.stdout(), "A", lines, null, readA));
      Future<Integer> b = readers.submit(() -> checkLines(flaky.stdout(), "B", lines, relay, readB));
      try {
        assertEquals(lines, a.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        assertEquals(lines, b.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
      } catch (TimeoutException e) {
        throw new AssertionError("lines read: A " + readA + ", B " + readB + "; relay accepted " + relay.connectionsAccepted()
            + ", open " + relay.openConnections() + "; stderr A: " + direct.stderr() + "; stderr B: " + flaky.stderr(), e);
      }
      release(direct);
      release(flaky);
      assertEquals(-1, direct.stdout().read(), "nothing after A" + lines);
      assertEquals(-1, flaky.stdout().read(), "nothing after B" + lines);
      assertEquals(0, direct.awaitExit(DEADLINE), direct.stderr());
      assertEquals(0, flaky.awaitExit(DEADLINE), flaky.stderr());
      assertTrue(relay.connectionsAccepted() >= 4, "cuts: " + relay.connectionsAccepted() + " connections");
    }
  }

  /** Reads {@code prefix}1.. {@code prefix}N in order; with a relay, cuts it at every 10,000th line. */
  private static int checkLines(InputStream stdout, String prefix, int lines, FaultRelay relay, AtomicInteger progress) {
    BufferedReader out = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.US_ASCII));
    int count = 0;
    try {
      for (String line; count < lines && (line = out.readLine()) != null; ) {
        count++;
        progress.set(count);
        assertEquals(prefix + count, line);
        if (relay != null && count % 10_000 == 0 && count < lines) {
          cutAndAwaitReconnect(relay);
        }
      }
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
    return count;
  }

  /**
   * Appended to a remote command: it then waits for a line on stdin before it exits. Faults are
   * injected by how far the test has READ; without this the remote side could finish (and the
   * session close) while the test still reads buffered output, and a cut would find no session to
   * resume.
   */
  private static final String HOLD = "; read -r _";

  /** Lets a command ended with {@link #HOLD} exit. */
  private static void release(EtProcess et) throws IOException {
    et.stdin().write('\n');
    et.stdin().close();
  }

  /** Resets the relayed connection and waits until the client has dialed a new one. */
  private static void cutAndAwaitReconnect(FaultRelay relay) throws InterruptedException {
    assertTrue(relay.cutAndAwaitReconnect(DEADLINE), "no reconnect after a cut");
  }


  /** Holds all traffic for {@code duration} (the fault itself lasts that long), then lets it flow. */
  private static void blackhole(FaultRelay relay, Duration duration) throws InterruptedException {
    relay.blackhole(true);
    try {
      Thread.sleep(duration); // the length of the outage, not a wait for something to happen
    } finally {
      relay.blackhole(false);
    }
  }

}
