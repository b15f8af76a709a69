package et.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.testing.Diagnostics;
import et.testkit.ChaosSchedule;
import et.testkit.FaultRelay;
import et.testkit.SeededStream;
import et.testkit.TestSeed;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tinylog.Logger;

/**
 * Nothing is lost and nothing is duplicated, whatever happens to the connections: both ends send
 * 64 MiB at once on one channel through a relay that cuts the connection over and over and
 * blackholes it a few times, and each end receives exactly the other's bytes.
 */
class LosslessTransferTest {
  private static final long BYTES_EACH_WAY = 64L << 20;
  private static final int CUTS = 50;
  private static final int BLACKHOLES = 3;
  private static final Duration DEAD_AFTER = Duration.ofMillis(600);
  private static final SessionOptions OPTIONS =
      SessionOptions.defaults().withKeepalive(Duration.ofMillis(200), DEAD_AFTER);
  private static final long RESULT_TIMEOUT_SECONDS = 200;

  @ParameterizedTest
  @EnumSource(ConnectionThreads.class)
  @Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void bothDirectionsArriveExactlyOnceThroughCutsAndBlackholes(ConnectionThreads connectionThreads)
      throws Exception {
    SessionOptions options = OPTIONS.withConnectionThreads(connectionThreads);
    long seed = TestSeed.forTest("LosslessTransferTest");
    SeededStream up = new SeededStream(seed, BYTES_EACH_WAY);
    SeededStream down = new SeededStream(~seed, BYTES_EACH_WAY);
    AtomicLong upReceived = new AtomicLong();
    AtomicLong downReceived = new AtomicLong();
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    try (EternalServer server = EternalServer.start(loopback, options);
        FaultRelay relay =
            new FaultRelay(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Session serverSide = server.newSession();
      Session client = EternalClient.connect(relay.address(), serverSide.credentials(), options);
      Channel clientEnd = client.openChannel("bulk");
      Channel serverEnd = serverSide.acceptChannel(Duration.ofSeconds(5));
      assertNotNull(serverEnd, "server accepted the channel");
      ChaosSchedule chaos =
          new ChaosSchedule(
              relay,
              seed,
              CUTS,
              BLACKHOLES,
              (long) (2 * BYTES_EACH_WAY * 0.8),
              DEAD_AFTER.multipliedBy(3),
              () -> notConnected(client) && notConnected(serverSide));
      long start = System.nanoTime();

      Future<byte[]> upSent = threads.submit(() -> send(up, clientEnd));
      Future<byte[]> downSent = threads.submit(() -> send(down, serverEnd));
      Future<SeededStream.Check> upCheck = threads.submit(() -> up.readFrom(serverEnd.input(), upReceived));
      Future<SeededStream.Check> downCheck = threads.submit(() -> down.readFrom(clientEnd.input(), downReceived));
      Future<ChaosSchedule.Done> faults =
          threads.submit(() -> chaos.run(() -> upReceived.get() + downReceived.get()));

      ChaosSchedule.Done done;
      byte[] upSha;
      byte[] downSha;
      SeededStream.Check upResult;
      SeededStream.Check downResult;
      try {
        done = faults.get(RESULT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        upSha = upSent.get(RESULT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        downSha = downSent.get(RESULT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        upResult = upCheck.get(RESULT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        downResult = downCheck.get(RESULT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (Exception | AssertionError e) {
        Logger.error(
            "stuck: received up {} down {}; client {} backlog {}; server {} backlog {}; relay {} open of {}",
            upReceived.get(),
            downReceived.get(),
            client.state(),
            client.backlogBytes(),
            serverSide.state(),
            serverSide.backlogBytes(),
            relay.openConnections(),
            relay.connectionsAccepted());
        Diagnostics.dumpThreads("LosslessTransferTest");
        throw e;
      }
      assertChecked("client to server", up, upSha, upResult);
      assertChecked("server to client", down, downSha, downResult);
      Logger.info(
          "transferred 2 x {} MiB in {} ms through {} connections",
          BYTES_EACH_WAY >> 20,
          (System.nanoTime() - start) / 1_000_000,
          relay.connectionsAccepted());

      assertTrue(done.cuts() >= CUTS, "cuts: " + done.cuts());
      assertTrue(done.blackholes() >= BLACKHOLES, "blackholes: " + done.blackholes());

      client.close(0, "transfer done");
      assertTrue(serverSide.awaitEnd(Duration.ofSeconds(10)), "server side ended");
      assertTrue(client.awaitEnd(Duration.ofSeconds(10)), "client side ended");
      assertEquals(SessionEnd.Cause.CLOSED_BY_PEER, serverSide.end().cause());
      assertEquals(SessionEnd.Cause.CLOSED_LOCALLY, client.end().cause());
    }
  }

  private static boolean notConnected(Session session) {
    return session.state() != SessionState.CONNECTED;
  }

  /** Writes the whole stream, then half-closes so the reader sees where it ends. */
  private static byte[] send(SeededStream stream, Channel channel) throws Exception {
    byte[] sha = stream.writeTo(channel.output(), 64 * 1024);
    channel.shutdownOutput();
    return sha;
  }

  private static void assertChecked(
      String direction, SeededStream expected, byte[] sentSha, SeededStream.Check check) {
    assertEquals(-1, check.firstMismatch(), direction + ": " + check);
    assertEquals(expected.length(), check.count(), direction + ": byte count");
    assertArrayEquals(
        sentSha,
        check.sha256(),
        direction
            + ": SHA-256 sent "
            + HexFormat.of().formatHex(sentSha)
            + " received "
            + HexFormat.of().formatHex(check.sha256()));
  }
}
