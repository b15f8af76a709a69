package et.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import et.testkit.Await;
import et.testkit.GatedOutput;
import et.testkit.NetLab;
import et.testkit.Poll;
import et.testkit.SeededStream;
import et.testkit.TestSeed;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * One forwarded connection ({@code et -N -t}, a {@link LabTunnel}) in flight across real network
 * faults, one after the other.
 *
 * <p>Each direction carries a seeded stream that stops at a gate before each fault: the test waits
 * until both writers wait there, starts the fault, opens the gates, so the next segment is written
 * into the fault, ends the fault and waits until that whole segment has arrived. At the end each
 * side has received exactly what the other sent (count, first wrong byte, SHA-256). How long after
 * each fault the segment arrived is printed, not asserted.
 */
@EnabledOnOs(OS.LINUX)
class TunnelOutageE2ETest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  /** Longer than the client's dead-after (3 keepalives of 1 s): the connection is declared dead and redialed. */
  private static final Duration OUTAGE = Duration.ofSeconds(5);
  private static final long SEGMENT_BYTES = 4 << 20;
  private static final String ROAMED_ADDRESS = "10.77.0.3";

  /** A fault the lab starts (and, for an outage, ends after {@link #OUTAGE}). */
  private enum Fault {
    BLACKHOLE,
    RESET,
    ROAM,
    LINK_DOWN
  }

  @TempDir Path base;

  @Test
  void aForwardedConnectionCrossesABlackholeAResetARoamAndALinkDownWhole() throws Exception {
    assumeTrue(NetLab.canBlackhole(), "nft is not installed (apt-get install nftables)");
    List<Fault> faults = List.of(Fault.values());
    long total = SEGMENT_BYTES * (faults.size() + 1);
    long[] gates = new long[faults.size()];
    for (int i = 0; i < gates.length; i++) {
      gates[i] = SEGMENT_BYTES * (i + 1);
    }
    long seed = TestSeed.forTest("tunnel across network faults");
    SeededStream up = new SeededStream(seed, total);
    SeededStream down = new SeededStream(~seed, total);
    AtomicLong upReceived = new AtomicLong();
    AtomicLong downReceived = new AtomicLong();

    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        NetLab lab = RemoteHost.createLabOrSkip();
        RemoteHost host = RemoteHost.startIn(base, lab)) {
      try (LabTunnel tunnel = LabTunnel.open(base, lab, host, DEADLINE)) {
        EtProcess et = tunnel.et();
        SocketChannel near = tunnel.near();
        SocketChannel farEnd = tunnel.far();
        GatedOutput upOut = new GatedOutput(Channels.newOutputStream(near), gates);
        GatedOutput downOut = new GatedOutput(Channels.newOutputStream(farEnd), gates);
        Future<byte[]> upSent = threads.submit(() -> sendAndShutOutput(up, upOut, near));
        Future<byte[]> downSent = threads.submit(() -> sendAndShutOutput(down, downOut, farEnd));
        Future<SeededStream.Check> upCheck = threads.submit(() -> up.readFrom(Channels.newInputStream(farEnd), upReceived));
        Future<SeededStream.Check> downCheck = threads.submit(() -> down.readFrom(Channels.newInputStream(near), downReceived));
        try {
          crossFaults(faults, lab, host, et, upOut, downOut, () -> Math.min(upReceived.get(), downReceived.get()), total);
        } finally {
          for (int i = 0; i < gates.length; i++) { // whatever failed, no writer waits at a gate
            upOut.open(i);
            downOut.open(i);
          }
        }
        up.assertReceived("client to target", upSent.get(DEADLINE.toSeconds(), TimeUnit.SECONDS),
            upCheck.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        down.assertReceived("target to client", downSent.get(DEADLINE.toSeconds(), TimeUnit.SECONDS),
            downCheck.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        et.terminate();
        assertEquals(128 + 15, et.awaitExit(DEADLINE), et.stderr());
      }
    }
  }

  /**
   * For each fault: waits until both writers wait at its gate, starts it, lets the writers into it,
   * ends it, and waits until the segment written into it has arrived at both ends ({@code received}:
   * the lesser count).
   */
  private static void crossFaults(List<Fault> faults, NetLab lab, RemoteHost host, EtProcess et, GatedOutput upOut,
      GatedOutput downOut, LongSupplier received, long total) throws InterruptedException {
    for (int i = 0; i < faults.size(); i++) {
      upOut.awaitHeldAt(i, DEADLINE);
      downOut.awaitHeldAt(i, DEADLINE);
      Fault fault = faults.get(i);
      start(fault, lab, host);
      upOut.open(i);
      downOut.open(i);
      long ended = end(fault, lab);
      long segmentEnd = Math.min(total, SEGMENT_BYTES * (i + 2));
      Await.until("the segment written into the " + fault + " at both ends", DEADLINE,
          () -> received.getAsLong() >= segmentEnd, () -> "(" + received.getAsLong() + " bytes; et: " + et.stderr() + ")");
      System.err.println("TunnelOutageE2ETest: " + fault + ": the segment written into it arrived "
          + Duration.ofNanos(System.nanoTime() - ended).toMillis() + " ms after the network came back");
      if (fault == Fault.ROAM) {
        assertTrue(Poll.until(DEADLINE, () -> lab.serverConnectionPeers(host.etPort()).equals(List.of(ROAMED_ADDRESS))),
            () -> "connections to the et port come from " + lab.serverConnectionPeers(host.etPort()));
      }
    }
  }

  private static void start(Fault fault, NetLab lab, RemoteHost host) {
    switch (fault) {
      case BLACKHOLE -> lab.blackhole();
      case RESET -> assertTrue(lab.resetServerConnections(host.etPort()) > 0, "no connection to reset");
      case ROAM -> lab.moveClientTo(ROAMED_ADDRESS);
      case LINK_DOWN -> lab.clientLinkDown();
    }
  }

  /** Ends an outage after {@link #OUTAGE}; returns when the network came back (System.nanoTime()). */
  private static long end(Fault fault, NetLab lab) throws InterruptedException {
    switch (fault) {
      case BLACKHOLE -> {
        Thread.sleep(OUTAGE); // the length of the outage itself, not a wait for something
        lab.endBlackhole();
      }
      case LINK_DOWN -> {
        Thread.sleep(OUTAGE);
        lab.clientLinkUp();
      }
      case RESET, ROAM -> { } // instant: the network is there at once (from the new address after a roam)
    }
    return System.nanoTime();
  }

  /** Writes the whole stream through its gates, then half-closes; its SHA-256. */
  private static byte[] sendAndShutOutput(SeededStream stream, GatedOutput out, SocketChannel socket) throws IOException {
    byte[] sha = stream.writeTo(out, 64 * 1024);
    socket.shutdownOutput();
    return sha;
  }
}
