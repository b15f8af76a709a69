package et.core.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import et.core.Channel;
import et.core.EternalClient;
import et.core.EternalServer;
import et.core.Session;
import et.core.SessionOptions;
import et.core.wire.FrameType;
import et.testkit.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Channels of one real session over loopback are independent: a stalled channel does not hold up
 * another, each direction closes on its own, a close reaches the peer's reader and writer, and
 * both ends may open channels at once. The window is the minimum (one full frame) so stalls come quickly.
 */
class ChannelIsolationTest {
  private static final int WINDOW = FrameType.MAX_DATA_BYTES;
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private EternalServer server;
  private Session serverSide;
  private Session client;

  @BeforeEach
  void connect() throws IOException {
    SessionOptions options = SessionOptions.defaults().withChannelWindow(WINDOW);
    server = EternalServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), options);
    serverSide = server.newSession();
    client =
        EternalClient.connect(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()),
            serverSide.credentials(),
            options);
  }

  @AfterEach
  void disconnect() {
    client.close();
    server.close();
    threads.shutdownNow();
  }

  @Test
  void aStalledChannelDoesNotDelayAnother() throws Exception {
    Channel bulk = client.openChannel("bulk");
    Channel bulkPeer = accept(serverSide, "bulk"); // never read until the end
    byte[] bulkBytes = pattern(4 * WINDOW);
    AtomicReference<Thread> bulkWriter = new AtomicReference<>();
    Future<?> bulkWrite =
        threads.submit(
            () -> {
              bulkWriter.set(Thread.currentThread());
              bulk.output().write(bulkBytes);
              return null;
            });
    Await.until("bulk writer starts", DEADLINE, () -> bulkWriter.get() != null);
    // Blocked on the channel's window (a condition), not on the session's backlog.
    Await.until(
        "bulk writer waits for window credit", DEADLINE, () -> LockSupport.getBlocker(bulkWriter.get()) instanceof Condition);
    assertFalse(bulkWrite.isDone(), "the bulk write finished though its reader never read");
    // Everything sent was acknowledged: the stalled channel holds no session backlog.
    Await.until("client backlog drains", DEADLINE, () -> client.backlogBytes() == 0);

    Channel echo = client.openChannel("echo");
    Channel echoPeer = accept(serverSide, "echo");
    threads.submit(() -> echoLoop(echoPeer));
    long slowestNanos =
        within(
            () -> {
              long slowest = 0;
              for (int i = 0; i < 200; i++) {
                byte[] message = ("message " + i).getBytes(StandardCharsets.US_ASCII);
                long start = System.nanoTime();
                echo.output().write(message);
                assertArrayEquals(message, echo.input().readNBytes(message.length), "echo " + i);
                slowest = Math.max(slowest, System.nanoTime() - start);
              }
              return slowest;
            });
    System.err.printf("echo beside a stalled channel: slowest round trip %.2f ms%n", slowestNanos / 1e6);
    assertFalse(bulkWrite.isDone(), "the bulk channel is still stalled after the echoes");

    // Reading the bulk channel at last releases its writer, and nothing was lost or reordered.
    byte[] received = within(() -> bulkPeer.input().readNBytes(bulkBytes.length));
    assertArrayEquals(bulkBytes, received);
    bulkWrite.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void shutdownOutputEndsOneDirectionOnly() throws Exception {
    Channel channel = client.openChannel("half");
    Channel peer = accept(serverSide, "half");
    channel.output().write("request".getBytes(StandardCharsets.US_ASCII));
    channel.shutdownOutput();

    assertArrayEquals("request".getBytes(StandardCharsets.US_ASCII), within(() -> peer.input().readAllBytes()));
    assertEquals(-1, peer.input().read());
    assertThrows(IOException.class, () -> channel.output().write(1), "write after shutdownOutput");

    // The other direction still works, for more than one window: credit still flows back.
    byte[] response = pattern(5 * WINDOW + 123);
    Future<?> write =
        threads.submit(
            () -> {
              peer.output().write(response);
              peer.shutdownOutput();
              return null;
            });
    assertArrayEquals(response, within(() -> channel.input().readAllBytes()));
    write.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    assertEquals(-1, channel.input().read());
  }

  @Test
  void closeReachesThePeersReaderAndWriter() throws Exception {
    Channel channel = client.openChannel("closing");
    Channel peer = accept(serverSide, "closing");
    channel.output().write(42);
    assertEquals(42, within(() -> peer.input().read()));

    channel.close();
    assertEquals(-1, (int) within(() -> peer.input().read()), "peer reads the end");
    Await.until("peer's write fails after the close", DEADLINE, () -> writeFails(peer));
    assertThrows(IOException.class, () -> peer.output().write(new byte[100]));

    // Our own end is closed both ways.
    assertThrows(IOException.class, () -> channel.output().write(1));
    assertEquals(-1, channel.input().read());
    // Other channels are unaffected.
    Channel next = client.openChannel("next");
    Channel nextPeer = accept(serverSide, "next");
    next.output().write(7);
    assertEquals(7, within(() -> nextPeer.input().read()));
  }

  @Test
  void bothSidesOpeningAtOnceGetDistinctIds() throws Exception {
    int perSide = 25;
    CountDownLatch go = new CountDownLatch(1);
    Future<List<Channel>> clientOpened = threads.submit(() -> openMany(client, "c", perSide, go));
    Future<List<Channel>> serverOpened = threads.submit(() -> openMany(serverSide, "s", perSide, go));
    go.countDown();
    List<Channel> byClient = clientOpened.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    List<Channel> byServer = serverOpened.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);

    Set<Integer> ids = new HashSet<>();
    for (Channel channel : byClient) {
      assertEquals(1, channel.id() & 1, "client channel ids are odd: " + channel);
      assertTrue(ids.add(channel.id()), "id reused: " + channel);
    }
    for (Channel channel : byServer) {
      assertEquals(0, channel.id() & 1, "server channel ids are even: " + channel);
      assertTrue(channel.id() > 0, "positive: " + channel);
      assertTrue(ids.add(channel.id()), "id reused: " + channel);
    }

    // Each side accepts exactly what the other opened, and each channel carries its own bytes.
    assertAcceptsAll(serverSide, byClient);
    assertAcceptsAll(client, byServer);
  }

  private void assertAcceptsAll(Session acceptor, List<Channel> openedByPeer) throws Exception {
    for (Channel opened : openedByPeer) {
      opened.output().write(opened.label().getBytes(StandardCharsets.UTF_8));
      opened.shutdownOutput();
    }
    for (Channel opened : openedByPeer) {
      Channel accepted = acceptor.acceptChannel(DEADLINE);
      assertNotNull(accepted, "accepted " + opened);
      Channel original =
          openedByPeer.stream().filter(c -> c.id() == accepted.id()).findFirst().orElseThrow();
      assertEquals(original.label(), accepted.label());
      assertEquals(original.label(), new String(within(() -> accepted.input().readAllBytes()), StandardCharsets.UTF_8));
    }
    assertEquals(null, acceptor.acceptChannel(Duration.ofMillis(50)), "no extra channel");
  }

  private static List<Channel> openMany(Session session, String prefix, int count, CountDownLatch go)
      throws Exception {
    go.await();
    List<Channel> opened = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      opened.add(session.openChannel(prefix + i));
    }
    return opened;
  }

  private static Channel accept(Session session, String label) throws InterruptedException {
    Channel channel = session.acceptChannel(DEADLINE);
    assertNotNull(channel, "peer accepts " + label);
    assertEquals(label, channel.label());
    return channel;
  }

  private static Void echoLoop(Channel channel) throws IOException {
    byte[] buffer = new byte[1024];
    for (int n; (n = channel.input().read(buffer)) >= 0; ) {
      channel.output().write(buffer, 0, n);
    }
    return null;
  }

  private static boolean writeFails(Channel channel) {
    try {
      channel.output().write(0);
      return false;
    } catch (IOException expected) {
      return true;
    }
  }

  /** Runs {@code task} on another thread and fails if it takes longer than the deadline. */
  private <T> T within(Callable<T> task) throws Exception {
    Future<T> future = threads.submit(task);
    try {
      return future.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      return fail("not done within " + DEADLINE.toMillis() + " ms");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  private static byte[] pattern(int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (i * 7 + i / 251);
    }
    return bytes;
  }
}
