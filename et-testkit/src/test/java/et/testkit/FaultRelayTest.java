package et.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.FaultRelay.Direction;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The relay itself: bytes pass, cuts reset, holds hold, flips flip exactly one bit. */
@Timeout(30)
class FaultRelayTest {
  /** How long "nothing arrives" is watched for; long enough for loopback by orders of magnitude. */
  private static final int QUIET_MILLIS = 300;
  private static final int READ_TIMEOUT_MILLIS = 5_000;

  private final List<Socket> opened = new ArrayList<>();
  private Target target;
  private FaultRelay relay;

  @BeforeEach
  void start() throws IOException {
    target = new Target();
    relay = new FaultRelay(target.address());
  }

  @AfterEach
  void stop() throws IOException {
    relay.close();
    target.close();
    for (Socket socket : opened) {
      socket.close();
    }
  }

  @Test
  void bytesPassBothWaysAndHalfClosePropagates() throws Exception {
    Pair pair = connect();
    byte[] up = randomBytes(1, 300_000);
    byte[] down = randomBytes(2, 200_000);
    Thread writer = Thread.ofVirtual().start(() -> writeQuietly(pair.client, up));
    pair.server.getOutputStream().write(down);
    assertArrayEquals(up, pair.server.getInputStream().readNBytes(up.length));
    assertArrayEquals(down, pair.client.getInputStream().readNBytes(down.length));
    assertTrue(writer.join(Duration.ofSeconds(5)));

    pair.client.shutdownOutput();
    assertEquals(-1, pair.server.getInputStream().read(), "client's FIN reaches the server");
    pair.server.shutdownOutput();
    assertEquals(-1, pair.client.getInputStream().read(), "server's FIN reaches the client");
    assertEquals(1, relay.connectionsAccepted());
    Await.until("the link closed once both sides finished", Duration.ofSeconds(5), () -> relay.openConnections() == 0);
  }

  @Test
  void cutAllResetsBothSidesAndLaterConnectionsWork() throws Exception {
    Pair first = connect();
    Pair second = connect();
    assertEquals(2, relay.cutAll(), "connections accepted when the cut came");
    for (Socket socket : List.of(first.client, first.server, second.client, second.server)) {
      SocketException reset =
          assertThrows(SocketException.class, () -> socket.getInputStream().read());
      assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
    }
    assertEquals(0, relay.openConnections());

    Pair third = connect();
    third.client.getOutputStream().write(42);
    assertEquals(42, third.server.getInputStream().read());
    assertEquals(3, relay.connectionsAccepted());
  }

  @Test
  void blackholeHoldsBytesAndNewConnectionsUntilLifted() throws Exception {
    Pair pair = connect();
    relay.blackhole(true);
    byte[] up = randomBytes(3, 1000);
    byte[] down = randomBytes(4, 1000);
    pair.client.getOutputStream().write(up);
    pair.server.getOutputStream().write(down);
    Socket late = openClient();

    assertQuiet(pair.server);
    assertQuiet(pair.client);
    assertNull(target.accepted.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS), "no connect while blackholed");
    assertEquals(2, relay.connectionsAccepted(), "the late connection was accepted all the same");

    relay.blackhole(false);
    assertArrayEquals(up, pair.server.getInputStream().readNBytes(up.length));
    assertArrayEquals(down, pair.client.getInputStream().readNBytes(down.length));
    Socket lateServer = target.accepted.poll(READ_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    assertNotNull(lateServer, "the late connection is passed on once the blackhole lifts");
    opened.add(lateServer);
  }

  @Test
  void stallHoldsOneDirectionOnly() throws Exception {
    Pair pair = connect();
    relay.stall(Direction.CLIENT_TO_SERVER, true);
    pair.client.getOutputStream().write(7);
    pair.server.getOutputStream().write(9);
    assertEquals(9, pair.client.getInputStream().read(), "the other direction flows");
    assertQuiet(pair.server);
    relay.stall(Direction.CLIENT_TO_SERVER, false);
    assertEquals(7, pair.server.getInputStream().read(), "held bytes flow on");
  }

  @Test
  void flipChangesExactlyOneBitOfTheNextConnectionOnly() throws Exception {
    int offset = 70_000; // beyond the first relay chunk
    relay.flipByte(Direction.CLIENT_TO_SERVER, offset);
    relay.flipByte(Direction.SERVER_TO_CLIENT, 5);
    byte[] up = randomBytes(5, 100_000);
    byte[] down = randomBytes(6, 100);

    Pair flipped = connect();
    Thread.ofVirtual().start(() -> writeQuietly(flipped.client, up));
    flipped.server.getOutputStream().write(down);
    assertOneBitFlippedAt(offset, up, flipped.server.getInputStream().readNBytes(up.length));
    assertOneBitFlippedAt(5, down, flipped.client.getInputStream().readNBytes(down.length));

    Pair clean = connect();
    Thread.ofVirtual().start(() -> writeQuietly(clean.client, up));
    assertArrayEquals(up, clean.server.getInputStream().readNBytes(up.length));
  }

  @Test
  void recordsWhatEachClientSent() throws Exception {
    relay.recordClientBytes(true);
    Pair recorded = connect();
    byte[] hello = randomBytes(7, 5000);
    recorded.client.getOutputStream().write(hello);
    recorded.server.getInputStream().readNBytes(hello.length); // the relay has read it all
    relay.recordClientBytes(false);
    connect();

    List<byte[]> recordings = relay.recorded();
    assertEquals(1, recordings.size());
    assertArrayEquals(hello, recordings.getFirst());
  }

  @Test
  void delayHoldsEachChunk() throws Exception {
    Pair pair = connect();
    relay.delay(Duration.ofMillis(200));
    long start = System.nanoTime();
    pair.client.getOutputStream().write(1);
    assertEquals(1, pair.server.getInputStream().read());
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200));
  }

  // --- helpers ---

  private record Pair(Socket client, Socket server) {}

  private Pair connect() throws Exception {
    Socket client = openClient();
    Socket server = target.accepted.poll(READ_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    assertNotNull(server, "the relay connected to the target");
    opened.add(server);
    server.setSoTimeout(READ_TIMEOUT_MILLIS);
    return new Pair(client, server);
  }

  private Socket openClient() throws IOException {
    Socket client = new Socket();
    opened.add(client);
    client.connect(relay.address(), READ_TIMEOUT_MILLIS);
    client.setSoTimeout(READ_TIMEOUT_MILLIS);
    return client;
  }

  private static void assertQuiet(Socket socket) throws IOException {
    int saved = socket.getSoTimeout();
    socket.setSoTimeout(QUIET_MILLIS);
    try {
      assertThrows(SocketTimeoutException.class, () -> socket.getInputStream().read(), "nothing arrives");
    } finally {
      socket.setSoTimeout(saved);
    }
  }

  private static void assertOneBitFlippedAt(int offset, byte[] sent, byte[] received) {
    assertEquals(sent.length, received.length);
    List<Integer> differing = new ArrayList<>();
    for (int i = 0; i < sent.length; i++) {
      if (sent[i] != received[i]) {
        differing.add(i);
      }
    }
    assertEquals(List.of(offset), differing);
    assertEquals(1, Integer.bitCount((sent[offset] ^ received[offset]) & 0xff));
  }

  private static byte[] randomBytes(long seed, int length) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static void writeQuietly(Socket socket, byte[] bytes) {
    try {
      socket.getOutputStream().write(bytes);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A plain server the relay forwards to; hands each accepted socket to the test. */
  private static final class Target implements AutoCloseable {
    final LinkedBlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
    private final ServerSocket listener;

    Target() throws IOException {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofVirtual().name("target accept").start(this::acceptLoop);
    }

    InetSocketAddress address() {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    }

    private void acceptLoop() {
      while (!listener.isClosed()) {
        try {
          accepted.add(listener.accept());
        } catch (IOException e) {
          return; // closed
        }
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
      for (Socket socket : accepted) {
        socket.close();
      }
    }
  }
}
