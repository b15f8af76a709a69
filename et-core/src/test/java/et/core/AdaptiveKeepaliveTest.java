package et.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.testing.Loopback;
import et.core.testing.RecordingProxy;
import et.core.transport.Transport;
import et.core.wire.FrameReader;
import et.core.wire.FrameType;
import et.testkit.Await;
import et.testkit.FaultRelay;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.Channels;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Keepalives adapt (docs/PROTOCOL.md, section 6): an idle connection pings every idle interval,
 * ten keepalive intervals, so idle sessions cost little; yet a dead link is noticed within
 * deadAfter as soon as data is on its way.
 */
@Timeout(60)
class AdaptiveKeepaliveTest {
  /** Keepalive 100 ms, dead after 300 ms: the idle interval is 1 s. */
  private static final SessionOptions FAST =
      SessionOptions.defaults()
          .withKeepalive(Duration.ofMillis(100), Duration.ofMillis(300))
          .withHandshakeTimeout(Duration.ofSeconds(1));
  /** Keepalive 200 ms, dead after 400 ms, idle interval 2 s: far apart, for a timing that tells them apart. */
  private static final SessionOptions SLOWER = FAST.withKeepalive(Duration.ofMillis(200), Duration.ofMillis(400));
  /** Keepalive 1 s, dead after 2 s: the idle interval, 10 s, is far beyond deadAfter whatever its phase. */
  private static final SessionOptions LONG_IDLE = FAST.withKeepalive(Duration.ofSeconds(1), Duration.ofSeconds(2));
  private static final Duration WAIT = Duration.ofSeconds(15);
  /** Small, so that a held direction pushes back on its writer after little data. */
  private static final int RELAY_RECEIVE_BUFFER = 64 << 10;
  private static final Duration TRICKLE_EVERY = Duration.ofMillis(50);

  @Test
  void anIdleConnectionPingsEveryIdleInterval() throws Exception {
    try (EternalServer server = Loopback.server(FAST);
        RecordingProxy path = RecordingProxy.start(address(server))) {
      Session client = EternalClient.connect(path.address(), server.newSession().credentials(), FAST);
      Thread.sleep(3_500); // the idle time whose pings are counted, not a wait for something
      int pings = count(path.recorded(), FrameType.PING);
      client.close();
      // An idle client sends the first ping, then one per idle interval; a fixed cadence, one per interval.
      assertTrue(pings >= 2 && pings <= 6, "the client pinged " + pings + " times in 3.5 s of idle");
    }
  }

  @Test
  void aDeadLinkIsNoticedWithinDeadAfterOnceDataIsOnItsWay() throws Exception {
    try (EternalServer server = Loopback.server(SLOWER);
        FaultRelay path = new FaultRelay(address(server))) {
      Session serverSide = server.newSession();
      Session client = EternalClient.connect(path.address(), serverSide.credentials(), SLOWER);
      Channel channel = client.openChannel("data");
      Channel arrived = serverSide.acceptChannel(WAIT);
      // Idle for a while: the client's next ping is now up to an idle interval away.
      Thread.sleep(2_500); // the idle time itself, not a wait for something

      path.blackhole(true);
      long sent = System.nanoTime();
      channel.output().write(new byte[] {1});
      Await.until("the client gave the connection up", WAIT, () -> client.state() == SessionState.DISCONNECTED);
      long noticedMillis = (System.nanoTime() - sent) / 1_000_000;
      // deadAfter and some slack; waiting for the next idle ping instead could take an idle interval more.
      assertTrue(noticedMillis < 1_500, "noticed " + noticedMillis + " ms after the data was sent");
      path.blackhole(false);
      Await.until("the client back", WAIT, () -> client.state() == SessionState.CONNECTED);
      assertEquals(1, arrived.input().read(), "the byte arrived after the resume");
      client.close();
    }
  }

  @Test
  void theServerNoticesADeadLinkWithinDeadAfterOnceItsDataIsOnItsWay() throws Exception {
    // The server's keepalive, unlike the client's, has no address to watch: after an idle spell it
    // sleeps until its next idle ping unless sending wakes it.
    try (EternalServer server = Loopback.server(LONG_IDLE);
        FaultRelay path = new FaultRelay(address(server))) {
      Session serverSide = server.newSession();
      Session client = EternalClient.connect(path.address(), serverSide.credentials(), LONG_IDLE);
      client.openChannel("data");
      Channel fromServer = serverSide.acceptChannel(WAIT);
      Thread.sleep(2_500); // the idle time itself: past the first ping, long before the next

      path.blackhole(true);
      long sent = System.nanoTime();
      fromServer.output().write(new byte[] {1});
      Await.until("the server gave the connection up", WAIT, () -> serverSide.state() == SessionState.DISCONNECTED);
      long noticedMillis = (System.nanoTime() - sent) / 1_000_000;
      // deadAfter and some slack; waiting for the next idle ping instead would take some 8 s.
      assertTrue(noticedMillis < 3_500, "noticed " + noticedMillis + " ms after the data was sent");
      path.blackhole(false);
      client.close();
    }
  }

  /**
   * A link that dies while this end's writer is blocked (the path holds nothing more) and after
   * the peer's last frame arrived: the write that never returns must not keep the silence from
   * counting. The peer hears nothing in the meantime, so it is given a long deadAfter: only the
   * client can notice.
   */
  @ParameterizedTest
  @EnumSource(ConnectionThreads.class)
  void aLinkThatDiesWhileTheWriterIsBlockedIsNoticed(ConnectionThreads threads) throws Exception {
    SessionOptions patientServer = FAST.withKeepalive(Duration.ofSeconds(1), Duration.ofSeconds(60));
    try (EternalServer server = Loopback.server(patientServer);
        FaultRelay path = new FaultRelay(address(server), RELAY_RECEIVE_BUFFER)) {
      Session serverSide = server.newSession();
      Session client =
          EternalClient.connect(path.address(), serverSide.credentials(), SLOWER.withConnectionThreads(threads));
      Channel up = client.openChannel("data");
      Channel fromServer = serverSide.acceptChannel(WAIT);
      AtomicBoolean trickling = new AtomicBoolean(true);
      Thread.ofVirtual().start(() -> trickle(fromServer, trickling));

      path.stall(FaultRelay.Direction.CLIENT_TO_SERVER, true);
      Thread.ofVirtual().start(() -> flood(up)); // ends with the session
      Await.until("the flood under way", WAIT, () -> client.backlogBytes() >= 2L * FrameType.MAX_DATA_BYTES);
      // Half a second of the peer's frames: the writer filled the path and blocked long before
      // the last of them arrived.
      InputStream down = up.input();
      for (int i = 0; i < 10; i++) {
        down.read();
      }

      path.blackhole(true);
      long dead = System.nanoTime();
      trickling.set(false);
      Await.until("the client gave the connection up", WAIT, () -> client.state() != SessionState.CONNECTED);
      long noticedMillis = (System.nanoTime() - dead) / 1_000_000;
      // A keepalive interval, deadAfter and some slack.
      assertTrue(noticedMillis < 1_500, "noticed " + noticedMillis + " ms after the link died");
      path.blackhole(false);
      path.stall(FaultRelay.Direction.CLIENT_TO_SERVER, false);
      // The blocked writer was released: the flood goes on over the next connection.
      int window = SessionOptions.defaults().channelWindowBytes();
      assertEquals(window, fromServer.input().readNBytes(window).length, "the flood arrives");
      client.close();
    }
  }

  /** Sends a byte every few milliseconds while {@code on}: the peer keeps hearing from this end. */
  private static void trickle(Channel channel, AtomicBoolean on) {
    try {
      while (on.get()) {
        channel.output().write(1);
        Thread.sleep(TRICKLE_EVERY.toMillis()); // the pace of the traffic, not a wait for something
      }
    } catch (IOException | InterruptedException e) {
      // the session ended
    }
  }

  /** Writes until the session ends: the channel's window fills, and its write blocks. */
  private static void flood(Channel channel) {
    try {
      channel.output().write(new byte[4 * SessionOptions.defaults().channelWindowBytes()]);
    } catch (IOException e) {
      // the session ended
    }
  }

  /**
   * Data one way after an idle spell, the peer sending nothing back (a key the program does not
   * echo, the last frames of a request over a session that carries nothing else): it is
   * acknowledged on the same connection, not taken for a dead link once deadAfter has passed.
   */
  @Test
  void oneWayDataAfterAnIdleSpellIsAcknowledgedOnTheSameConnection() throws Exception {
    try (EternalServer server = Loopback.server(LONG_IDLE)) {
      Session serverSide = server.newSession();
      Session client = EternalClient.connect(address(server), serverSide.credentials(), LONG_IDLE);
      Channel channel = client.openChannel("data");
      Channel arrived = serverSide.acceptChannel(WAIT);
      Thread.sleep(2_500); // the idle time itself: both sides' next pings are an idle interval away

      channel.output().write(new byte[] {1});
      assertEquals(1, arrived.input().read());
      Await.until("the client's byte acknowledged", WAIT, () -> client.backlogBytes() == 0);
      assertEquals(1, client.connections(), "the connection was given up and replaced");
      assertEquals(SessionState.CONNECTED, client.state());
      client.close();
    }
  }

  @Test
  void anAnswerReadBeforeItsRequestsWriteReturnsEndsTheWait() throws Exception {
    try (EternalServer server = Loopback.server(LONG_IDLE)) {
      Session serverSide = server.newSession();
      Transport tcp = Transport.tcp(() -> address(server));
      List<AnswerFirstChannel> channels = new CopyOnWriteArrayList<>();
      Transport answerFirst = attempt -> {
        AnswerFirstChannel channel = new AnswerFirstChannel(tcp.open(attempt));
        channels.add(channel);
        return channel;
      };
      Session client = EternalClient.connect(answerFirst, serverSide.credentials(), LONG_IDLE, null);
      // The idle span itself, not a wait for something: the connection's first PINGs (at once, and
      // a keepalive interval later) are answered while their writes are under way; a wait that
      // began after its answer would end the connection deadAfter later (by 3 s; a second more).
      Thread.sleep(4_000);
      assertTrue(channels.getFirst().answeredDuringWrite() > 0, "no answer arrived while a write was under way");
      assertEquals(1, client.connections(), "the connection was given up and replaced");
      client.close();
    }
  }

  /**
   * A client's channel whose writes return only once the reader has read a whole frame since (or
   * after half a second): the order a writer sees when it is descheduled right after its write and
   * the peer answers at once.
   */
  private static final class AnswerFirstChannel implements ByteChannel {
    private static final long MAX_HOLD_NANOS = Duration.ofMillis(500).toNanos();
    private final ByteChannel socket;
    private final AtomicInteger readersBlocked = new AtomicInteger();
    private final AtomicLong readsReturned = new AtomicLong();
    private final AtomicInteger answeredDuringWrite = new AtomicInteger();

    AnswerFirstChannel(ByteChannel socket) {
      this.socket = socket;
    }

    int answeredDuringWrite() {
      return answeredDuringWrite.get();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      readersBlocked.incrementAndGet();
      try {
        return socket.read(dst);
      } finally {
        readsReturned.incrementAndGet();
        readersBlocked.decrementAndGet();
      }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      long readsBefore = readsReturned.get();
      boolean readerWaits = readersBlocked.get() > 0; // not in a handshake, whose writer reads next
      int written = socket.write(src);
      long deadline = System.nanoTime() + MAX_HOLD_NANOS;
      while (readerWaits && System.nanoTime() - deadline < 0) {
        // A header and a body read, and the reader back in read(): a whole frame was handled.
        if (readsReturned.get() - readsBefore >= 2 && readersBlocked.get() > 0) {
          answeredDuringWrite.incrementAndGet();
          break;
        }
        LockSupport.parkNanos(100_000);
      }
      return written;
    }

    @Override
    public boolean isOpen() {
      return socket.isOpen();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static int count(byte[] recorded, FrameType type) throws IOException {
    FrameReader reader = new FrameReader(Channels.newChannel(new ByteArrayInputStream(recorded)));
    int count = 0;
    try {
      while (true) {
        if (reader.read().type() == type) {
          count++;
        }
      }
    } catch (EOFException end) {
      return count;
    }
  }

  private static InetSocketAddress address(EternalServer server) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
  }
}
