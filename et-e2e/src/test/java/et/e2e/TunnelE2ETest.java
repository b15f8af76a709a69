package et.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.ChaosSchedule;
import et.testkit.FaultRelay;
import et.testkit.Poll;
import et.testkit.SeededStream;
import et.testkit.SshServer;
import et.testkit.TestSeed;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code et -t LOCAL:TARGET} end to end (real sshd, launchers, session host), with et's own
 * connection through a {@link FaultRelay}: a forwarded connection carries random bytes both ways
 * to an echoing target while the relay cuts the session's connection, and every byte arrives, in
 * order; with -N, a bulk transfer each way at once crosses cuts and a blackhole whole; a target
 * nobody listens on is reported and the forwarded connection closed, while the tunnel and the
 * session go on; with -N et runs no program and only its tunnels.
 */
@EnabledOnOs(OS.LINUX)
class TunnelE2ETest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  /** Keeps the session (and so the tunnel) open until the test lets it end. */
  private static final String HOLD = "read -r _";
  /** Each direction of the bulk test: the release case of docs/TESTING.md (64 MiB through cuts). */
  private static final long BULK_BYTES = 64L << 20;
  private static final int BULK_CUTS = 8;

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
  void sixteenMebibytesEachWayThroughATunnelSurviveFiveCuts() throws Exception {
    int size = 16 << 20;
    byte[] data = new byte[size];
    new Random(TestSeed.forTest("tunnel through cuts")).nextBytes(data);
    try (ServerSocket target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        FaultRelay relay = new FaultRelay(new InetSocketAddress(InetAddress.getLoopbackAddress(), host.etPort()))) {
      echoOnce(target);
      int local = SshServer.freePort();
      try (EtProcess et = EtProcess.start(
          host.etCommand("-p", "" + relay.port(), "-t", local + ":" + target.getLocalPort(), "-c", HOLD))) {
        try (Socket client = et.connectWhenListening(local, DEADLINE)) {
          CompletableFuture<byte[]> echoed = readFully(client.getInputStream(), size);
          OutputStream out = client.getOutputStream();
          int chunk = size / 6;
          for (int written = 0, cuts = 0; written < size; written += chunk) {
            out.write(data, written, Math.min(chunk, size - written));
            if (cuts < 5) {
              cutAndAwaitReconnect(relay);
              cuts++;
            }
          }
          client.shutdownOutput(); // the target echoes to our end of file, then closes
          byte[] back = echoed.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
          assertEquals(size, back.length);
          assertArrayEquals(sha256(data), sha256(back), "the echo came back whole and in order");
        }
        assertTrue(relay.connectionsAccepted() >= 6, "cuts: " + relay.connectionsAccepted() + " connections");
        et.stdin().write('\n');
        et.stdin().close();
        assertEquals(0, et.awaitExit(DEADLINE), et.stderr());
      }
    }
  }

  @Test
  void sixtyFourMebibytesEachWayAtOnceSurviveCutsAndABlackhole() throws Exception {
    long seed = TestSeed.forTest("tunnel of 64 MiB each way through chaos");
    SeededStream up = new SeededStream(seed, BULK_BYTES);
    SeededStream down = new SeededStream(~seed, BULK_BYTES);
    AtomicLong upReceived = new AtomicLong();
    AtomicLong downReceived = new AtomicLong();
    try (ServerSocket target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        FaultRelay relay = new FaultRelay(new InetSocketAddress(InetAddress.getLoopbackAddress(), host.etPort()));
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Socket> far = threads.submit(target::accept);
      int local = SshServer.freePort();
      try (EtProcess et = EtProcess.start(host.etCommand("-p", "" + relay.port(), "-N", "-t", local + ":" + target.getLocalPort()));
          Socket near = et.connectWhenListening(local, DEADLINE);
          Socket farEnd = far.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
        long start = System.nanoTime();
        Future<byte[]> upSent = threads.submit(() -> sendAndShutOutput(up, near));
        Future<byte[]> downSent = threads.submit(() -> sendAndShutOutput(down, farEnd));
        Future<SeededStream.Check> upCheck = threads.submit(() -> up.readFrom(farEnd.getInputStream(), upReceived));
        Future<SeededStream.Check> downCheck = threads.submit(() -> down.readFrom(near.getInputStream(), downReceived));
        // The client notices a blackhole when it dials again (its keepalives go unanswered).
        ChaosSchedule chaos = new ChaosSchedule(relay, seed, BULK_CUTS, 1, (long) (2 * BULK_BYTES * 0.8),
            Duration.ofSeconds(1), () -> relay.connectionsDialedIntoBlackhole() > 0);
        ChaosSchedule.Done done = chaos.run(() -> upReceived.get() + downReceived.get());

        up.assertReceived("into the tunnel", upSent.get(DEADLINE.toSeconds(), TimeUnit.SECONDS),
            upCheck.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        down.assertReceived("out of the tunnel", downSent.get(DEADLINE.toSeconds(), TimeUnit.SECONDS),
            downCheck.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        System.err.println("TunnelE2ETest: 2 x " + (BULK_BYTES >> 20) + " MiB at once in "
            + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms, " + done + ", "
            + relay.connectionsAccepted() + " connections");
        assertEquals(new ChaosSchedule.Done(BULK_CUTS, 1), done);
        assertTrue(relay.connectionsAccepted() > BULK_CUTS + 1, "connections: " + relay.connectionsAccepted());
        et.terminate();
        assertEquals(128 + 15, et.awaitExit(DEADLINE), et.stderr());
      }
    }
  }

  @Test
  void aTargetNobodyListensOnIsReportedAndTheConnectionClosedWhileTheSessionGoesOn() throws Exception {
    int closed = SshServer.freePort();
    int local = SshServer.freePort();
    try (EtProcess et = EtProcess.start(host.etCommand("-t", local + ":" + closed, "-c", "echo up; " + HOLD))) {
      try (Socket client = et.connectWhenListening(local, DEADLINE)) {
        client.setSoTimeout((int) DEADLINE.toMillis());
        assertEquals(-1, readOrReset(client.getInputStream()), "the forwarded connection closes");
      }
      assertTrue(Poll.until(DEADLINE, () -> et.stderr().contains("tunnel to localhost:" + closed + ": cannot connect")),
          "reported: " + et.stderr());
      et.stdin().write('\n');
      et.stdin().close();
      assertEquals(0, et.awaitExit(DEADLINE), et.stderr());
      assertEquals("up\n", new String(et.stdout().readAllBytes()), "the session went on");
    }
  }

  @Test
  void withNoTerminalEtCarriesOnlyItsTunnelsUntilASignalEndsIt() throws Exception {
    try (ServerSocket target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      echoOnce(target);
      int local = SshServer.freePort();
      try (EtProcess et = EtProcess.start(host.etCommand("-N", "-t", local + ":" + target.getLocalPort()))) {
        try (Socket client = et.connectWhenListening(local, DEADLINE)) {
          client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
          client.shutdownOutput();
          assertEquals("ping", new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        }
        et.terminate();
        assertEquals(128 + 15, et.awaitExit(DEADLINE), et.stderr());
        assertTrue(et.stderr().endsWith(" closed: et was ended by a signal\n"), et.stderr());
        // et's shutdown hook closed the session: the host says so, rather than waiting out the limit.
        Path hostLog = host.home().resolve(".et/log/host.log");
        assertTrue(Poll.until(DEADLINE, () -> read(hostLog).contains("CLOSED_BY_PEER: the client was interrupted")),
            "the host's log: " + read(hostLog));
      }
    }
  }

  /** Writes the whole stream, then half-closes, so the reader sees where it ends; its SHA-256. */
  private static byte[] sendAndShutOutput(SeededStream stream, Socket socket) throws IOException {
    byte[] sha = stream.writeTo(socket.getOutputStream(), 64 * 1024);
    socket.shutdownOutput();
    return sha;
  }

  /** Accepts one connection and echoes it back until its end of file, then closes. */
  private static void echoOnce(ServerSocket target) {
    Thread.ofVirtual().start(() -> {
      try (Socket accepted = target.accept()) {
        accepted.getInputStream().transferTo(accepted.getOutputStream());
      } catch (IOException e) {
        // the test fails on what it reads
      }
    });
  }

  private static CompletableFuture<byte[]> readFully(InputStream in, int size) {
    CompletableFuture<byte[]> read = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try {
        read.complete(in.readNBytes(size + 1));
      } catch (IOException e) {
        read.completeExceptionally(e);
      }
    });
    return read;
  }

  private static int readOrReset(InputStream in) {
    try {
      return in.read();
    } catch (IOException reset) {
      return -1;
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] sha256(byte[] bytes) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(bytes);
  }

  /** Resets the relayed connection and waits until the client has dialed a new one. */
  private static void cutAndAwaitReconnect(FaultRelay relay) throws InterruptedException {
    assertTrue(relay.cutAndAwaitReconnect(DEADLINE), "no reconnect after a cut");
  }

}
