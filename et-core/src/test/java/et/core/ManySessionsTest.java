package et.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.Await;
import et.testkit.FaultRelay;
import et.testkit.SeededStream;
import et.testkit.TestSeed;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tinylog.Logger;

/**
 * Sessions stay apart under load and loss: 200 sessions on one server, all through one relay that
 * cuts every connection three times mid-transfer. Each client sends its own seeded bytes, the
 * server echoes them on the same channel, and each client must get back exactly its own bytes.
 *
 * <p>To make each cut land mid-transfer for every session, whatever the machine's speed, clients
 * send in parts: for each cut the relay first holds the server-to-client direction, releases one
 * part, waits until the servers have echoed it (so echoes and acknowledgements are in flight,
 * unacknowledged, in both directions), and then cuts. Those bytes must come back by replay.
 */
class ManySessionsTest {
  private static final int SESSIONS = 200;
  private static final int CUTS = 3;
  private static final int PART_BYTES = 16 * 1024;
  private static final int BYTES_PER_SESSION = (CUTS + 1) * PART_BYTES;
  private static final int WRITE_PIECE = 4 * 1024;
  private static final SessionOptions OPTIONS = SessionOptions.defaults();
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

  /** One session seen from both ends, the bytes its client sends and what its server echoed. */
  private record Pair(
      int index, Session client, Session server, Channel clientEnd, SeededStream bytes, AtomicLong echoed) {}

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void everyClientGetsBackExactlyItsOwnBytesThroughCuts() throws Exception {
    long seed = TestSeed.forTest("ManySessionsTest");
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    List<CountDownLatch> partReleased = IntStream.rangeClosed(0, CUTS).mapToObj(i -> new CountDownLatch(1)).toList();

    try (EternalServer server = EternalServer.start(loopback, OPTIONS);
        FaultRelay relay =
            new FaultRelay(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      long setupStart = System.nanoTime();
      List<Pair> pairs = new ArrayList<>();
      List<Future<Void>> echoes = new ArrayList<>();
      for (int i = 0; i < SESSIONS; i++) {
        Session serverSide = server.newSession();
        Session client = EternalClient.connect(relay.address(), serverSide.credentials(), OPTIONS);
        Channel clientEnd = client.openChannel("echo " + i);
        Channel serverEnd = serverSide.acceptChannel(Duration.ofSeconds(10));
        assertNotNull(serverEnd, "session " + i + " accepted its channel");
        assertEquals("echo " + i, serverEnd.label());
        Pair pair = new Pair(i, client, serverSide, clientEnd, new SeededStream(seed + i, BYTES_PER_SESSION), new AtomicLong());
        echoes.add(threads.submit(() -> echo(serverEnd, pair.echoed)));
        pairs.add(pair);
      }
      assertEquals(SESSIONS, server.sessionCount());
      Logger.info("{} sessions set up in {} ms", SESSIONS, (System.nanoTime() - setupStart) / 1_000_000);

      long start = System.nanoTime();
      List<Future<byte[]>> sent = new ArrayList<>();
      List<Future<SeededStream.Check>> checks = new ArrayList<>();
      for (Pair pair : pairs) {
        sent.add(threads.submit(() -> sendInParts(pair, partReleased)));
        checks.add(threads.submit(() -> pair.bytes.readFrom(pair.clientEnd.input(), new AtomicLong())));
      }

      for (int cut = 1; cut <= CUTS; cut++) {
        Await.until(
            "every session connected before cut " + cut,
            STEP_TIMEOUT,
            () -> relay.openConnections() >= SESSIONS && pairs.stream().allMatch(ManySessionsTest::connected));
        relay.stall(FaultRelay.Direction.SERVER_TO_CLIENT, true);
        partReleased.get(cut - 1).countDown();
        long echoedTarget = (long) cut * PART_BYTES;
        // A session that lost its connection meanwhile cannot echo (its handshake is held too).
        Await.until(
            "every connected session echoed part " + cut,
            STEP_TIMEOUT,
            () -> pairs.stream().allMatch(p -> p.echoed.get() >= echoedTarget || !connected(p)));
        long inFlight =
            pairs.stream().filter(p -> p.server.backlogBytes() > 0 && p.client.backlogBytes() > 0).count();
        relay.cutAll();
        relay.stall(FaultRelay.Direction.SERVER_TO_CLIENT, false);
        Logger.info("cut {}: {} sessions had unacknowledged bytes both ways", cut, inFlight);
        assertTrue(inFlight >= SESSIONS / 2, "cut " + cut + " landed mid-transfer: " + inFlight);
      }
      partReleased.get(CUTS).countDown();

      for (Pair pair : pairs) {
        byte[] sha = sent.get(pair.index).get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        SeededStream.Check check = checks.get(pair.index).get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(-1, check.firstMismatch(), "session " + pair.index + ": " + check);
        assertEquals(BYTES_PER_SESSION, check.count(), "session " + pair.index + ": byte count");
        assertArrayEquals(sha, check.sha256(), "session " + pair.index + ": SHA-256");
        echoes.get(pair.index).get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
      Logger.info(
          "{} sessions echoed {} KiB each in {} ms through {} connections",
          SESSIONS,
          BYTES_PER_SESSION / 1024,
          (System.nanoTime() - start) / 1_000_000,
          relay.connectionsAccepted());
      // Every cut found a connection per session, each accepted since the cut before.
      assertTrue(
          relay.connectionsAccepted() >= SESSIONS * CUTS,
          "connections accepted: " + relay.connectionsAccepted());

      List<Future<Void>> closes = new ArrayList<>();
      for (Pair pair : pairs) {
        closes.add(
            threads.submit(
                () -> {
                  pair.client.close(0, "done");
                  return null;
                }));
      }
      for (Pair pair : pairs) {
        closes.get(pair.index).get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(pair.server.awaitEnd(Duration.ofSeconds(10)), pair.server + " ended");
        assertEquals(SessionEnd.Cause.CLOSED_BY_PEER, pair.server.end().cause());
      }
      Await.until("the server forgot every session", Duration.ofSeconds(10), () -> server.sessionCount() == 0);
    }
  }

  private static boolean connected(Pair pair) {
    return pair.client.state() == SessionState.CONNECTED
        && pair.server.state() == SessionState.CONNECTED;
  }

  /** Writes the session's bytes part by part as each is released, then half-closes. */
  private static byte[] sendInParts(Pair pair, List<CountDownLatch> partReleased) throws Exception {
    byte[] all = pair.bytes.toByteArray();
    OutputStream out = pair.clientEnd.output();
    for (int part = 0; part < partReleased.size(); part++) {
      assertTrue(partReleased.get(part).await(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "part released");
      for (int offset = part * PART_BYTES; offset < (part + 1) * PART_BYTES; offset += WRITE_PIECE) {
        out.write(all, offset, WRITE_PIECE);
      }
    }
    pair.clientEnd.shutdownOutput();
    return MessageDigest.getInstance("SHA-256").digest(all);
  }

  /** Server side: sends back everything it reads on the same channel, then half-closes. */
  private static Void echo(Channel channel, AtomicLong echoed) throws IOException {
    InputStream in = channel.input();
    OutputStream out = channel.output();
    byte[] buffer = new byte[8 * 1024];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      out.write(buffer, 0, n);
      echoed.addAndGet(n);
    }
    channel.shutdownOutput();
    return null;
  }
}
