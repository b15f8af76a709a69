package et.core.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.Channel;
import et.core.transport.ConnectAttempt;
import et.core.EternalClient;
import et.core.EternalServer;
import et.core.Session;
import et.core.SessionCredentials;
import et.core.SessionOptions;
import et.core.crypto.Direction;
import et.core.crypto.KeySchedule;
import et.core.crypto.SequenceAead;
import et.core.testing.RecordingProxy;
import et.testkit.Await;
import et.testkit.ManualClock;
import et.core.wire.Frame;
import et.core.wire.FrameHeader;
import et.core.wire.FrameReader;
import et.core.wire.FrameType;
import et.core.wire.FrameWriter;
import et.core.wire.ProtocolException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A relay (an {@link EternalServer} with a {@link Relay} and no session of its own) between a
 * client and a target server, on loopback: what it carries, and whom it refuses and how.
 */
class RelayTest {
  private static final String LOOPBACK = "127.0.0.1";
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final byte[] MARKER = "the relay must never read this line".getBytes(StandardCharsets.UTF_8);

  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-03T09:00:00Z"));
  private final RelayGrants grants = new RelayGrants(clock, RelayGrants.IDLE_LIMIT);
  private final AtomicInteger busy = new AtomicInteger();
  private final SessionOptions options = SessionOptions.defaults();
  private volatile RelayPolicy policy = RelayPolicy.GRANT_ONLY;
  private EternalServer target;
  private EternalServer relayHost;

  @BeforeEach
  void start() throws IOException {
    InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    target = EternalServer.start(any, options);
    relayHost = EternalServer.start(any, options, null, new Relay(grants, (host, port) -> policy.permits(host, port), counted()));
  }

  private Relay.Busy counted() {
    return new Relay.Busy() {
      @Override
      public boolean enter() {
        busy.incrementAndGet();
        return true;
      }

      @Override
      public void leave() {
        busy.decrementAndGet();
      }
    };
  }

  @AfterEach
  void stop() {
    relayHost.close();
    target.close();
  }

  @Test
  void carriesASessionWhoseFramesItCannotOpen() throws Exception {
    Session serverSide = target.newSession();
    try (RecordingProxy proxy = RecordingProxy.start(new InetSocketAddress(LOOPBACK, target.port()))) {
      RelayGrant grant = grants.create(LOOPBACK);
      Session client = connect(hop(grant.credentials()), proxy.address().getPort(), serverSide.credentials());
      Channel out = client.openChannel("text");
      Channel in = serverSide.acceptChannel(WAIT);
      out.output().write(MARKER);
      out.output().flush();
      assertArrayEquals(MARKER, in.input().readNBytes(MARKER.length));
      client.close(0, "done");
      assertTrue(serverSide.awaitEnd(WAIT));

      // What the relay passed on: the handshake and sealed frames, no plaintext.
      byte[] passed = proxy.recorded();
      assertFalse(contains(passed, MARKER), "the marker crossed the relay in the clear");
      List<Frame> frames = frames(passed);
      byte[] sessionId = serverSide.credentials().id().bytes();
      SequenceAead withGrant = new SequenceAead(
          KeySchedule.streamKey(grant.credentials().secret(), sessionId, Direction.CLIENT_TO_SERVER));
      SequenceAead withSession = new SequenceAead(
          KeySchedule.streamKey(serverSide.credentials().secret(), sessionId, Direction.CLIENT_TO_SERVER));
      List<Frame> data = frames.stream().filter(f -> f.type() == FrameType.CHANNEL_DATA).toList();
      assertFalse(data.isEmpty(), "no data frame recorded among " + frames.size());
      for (Frame frame : data) {
        assertThrows(ProtocolException.class, () -> frame.open(withGrant), "the grant's secret opened a frame");
      }
      // The same frames do open with the session's secret, which only the two ends hold.
      assertTrue(data.stream().anyMatch(f -> opens(f, withSession)));
    }
  }

  @Test
  void aGrantStaysWhileItsPathIsOpenAndExpiresOnceItHasBeenIdleForTheLimit() throws Exception {
    Session serverSide = target.newSession();
    RelayGrant grant = grants.create(LOOPBACK);
    Session client = connect(hop(grant.credentials()), target.port(), serverSide.credentials());
    clock.advance(RelayGrants.IDLE_LIMIT.multipliedBy(2));
    assertTrue(grants.find(grant.credentials().id()).isPresent(), "kept while its path is open");
    client.close(0, "done");
    assertTrue(serverSide.awaitEnd(WAIT));
    Await.until("the relayed path closed", WAIT, () -> busy.get() == 0);
    clock.advance(RelayGrants.IDLE_LIMIT.minusMillis(1));
    assertTrue(grants.find(grant.credentials().id()).isPresent(), "idle only since its path closed");
    clock.advance(Duration.ofMillis(1));
    assertTrue(grants.find(grant.credentials().id()).isEmpty(), "dropped after the idle limit");
    // Its client now meets the answer an unknown grant gets, and asks for a new one over ssh.
    IOException e = assertThrows(IOException.class, () -> open(hop(grant.credentials()), target.port()));
    assertTrue(e.getMessage().startsWith("jump: the relay does not know our grant"), e.getMessage());
  }

  @Test
  void aGrantTheRelayLostIsRenewedAndTheNextAttemptGoesThrough() throws Exception {
    Session serverSide = target.newSession();
    SessionCredentials unknown = SessionCredentials.generate();
    AtomicInteger renewals = new AtomicInteger();
    RelayTransport.Hop hop = new RelayTransport.Hop("jump", LOOPBACK, new RelayTransport.Hop.Grant(unknown, relayHost.port()),
        () -> {
          renewals.incrementAndGet();
          return new RelayTransport.Hop.Grant(grants.create(LOOPBACK).credentials(), relayHost.port());
        });
    RelayTransport transport = new RelayTransport(List.of(hop), "target", LOOPBACK, target.port());
    try (ConnectAttempt attempt = new ConnectAttempt()) {
      IOException e = assertThrows(IOException.class, () -> transport.open(attempt));
      assertEquals("jump: the relay does not know our grant (its host restarted?); got a new grant over ssh", e.getMessage());
    }
    assertEquals(1, renewals.get());
    Session client = EternalClient.connect(transport, serverSide.credentials(), options, null);
    client.close(0, "done");
    assertTrue(serverSide.awaitEnd(WAIT));
  }

  @Test
  void aWrongSecretGetsNoAnswer() throws Exception {
    RelayGrant grant = grants.create(LOOPBACK);
    SessionCredentials forged = new SessionCredentials(grant.credentials().id(), new byte[32]);
    IOException e = assertThrows(IOException.class, () -> open(hop(forged), target.port()));
    assertFalse(e instanceof RelayRefusedException, e.toString());
    assertInstanceOf(EOFException.class, e.getCause(), e.toString());
    assertEquals(0, busy.get());
  }

  @Test
  void aDestinationTheGrantDoesNotCoverIsForbidden() {
    RelayGrant grant = grants.create("10.0.0.9");
    RelayRefusedException e = assertThrows(RelayRefusedException.class, () -> open(hop(grant.credentials()), target.port()));
    assertEquals(RelayAnswer.FORBIDDEN, e.answer().orElseThrow());
    assertTrue(e.getMessage().startsWith("jump: destination not allowed"), e.getMessage());
  }

  @Test
  void aDestinationThePolicyForbidsIsForbidden() {
    policy = (host, port) -> port == 22;
    RelayGrant grant = grants.create(LOOPBACK);
    RelayRefusedException e = assertThrows(RelayRefusedException.class, () -> open(hop(grant.credentials()), target.port()));
    assertEquals(RelayAnswer.FORBIDDEN, e.answer().orElseThrow());
  }

  @Test
  void aClosedNextHopNamesThatHop() throws Exception {
    int closedPort = closedPort();
    RelayGrant grant = grants.create(LOOPBACK);
    RelayRefusedException e = assertThrows(RelayRefusedException.class, () -> open(hop(grant.credentials()), closedPort));
    assertEquals(RelayAnswer.CLOSED, e.answer().orElseThrow());
    assertTrue(e.getMessage().startsWith("jump -> target: next hop's port closed: 127.0.0.1:" + closedPort), e.getMessage());
    assertEquals(0, busy.get());
  }

  @Test
  void anUnresolvableNextHopIsUnreachable() {
    RelayGrant grant = grants.create("no-such-host.invalid");
    RelayTransport.Hop hop = hop(grant.credentials());
    RelayRefusedException e = assertThrows(RelayRefusedException.class, () -> {
      try (ConnectAttempt attempt = new ConnectAttempt()) {
        new RelayTransport(List.of(hop), "target", "no-such-host.invalid", 2022).open(attempt);
      }
    });
    assertEquals(RelayAnswer.UNREACHABLE, e.answer().orElseThrow());
    assertTrue(e.getMessage().startsWith("jump -> target: next hop unreachable"), e.getMessage());
  }

  @Test
  void aLaterRelayWhosePortIsClosedGetsANewGrantAndTheNextAttemptGoesThrough() throws Exception {
    RelayGrants laterGrants = new RelayGrants();
    InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    EternalServer later = EternalServer.start(any, options, null, new Relay(laterGrants, RelayPolicy.GRANT_ONLY, counted()));
    try {
      Session serverSide = target.newSession();
      int closedPort = closedPort();
      AtomicInteger renewals = new AtomicInteger();
      // The second relay's host exited: its grant names a port where nothing listens.
      RelayTransport.Hop second = new RelayTransport.Hop("jump2", LOOPBACK,
          new RelayTransport.Hop.Grant(SessionCredentials.generate(), closedPort), () -> {
            renewals.incrementAndGet();
            return new RelayTransport.Hop.Grant(laterGrants.create(LOOPBACK).credentials(), later.port());
          });
      RelayTransport transport =
          new RelayTransport(List.of(hop(grants.create(LOOPBACK).credentials()), second), "target", LOOPBACK, target.port());
      try (ConnectAttempt attempt = new ConnectAttempt()) {
        IOException e = assertThrows(IOException.class, () -> transport.open(attempt));
        assertTrue(e.getMessage().startsWith("jump -> jump2: next hop's port closed: 127.0.0.1:" + closedPort), e.getMessage());
        assertTrue(e.getMessage().endsWith("; got a new grant over ssh"), e.getMessage());
      }
      assertEquals(1, renewals.get());
      Session client = EternalClient.connect(transport, serverSide.credentials(), options, null);
      client.close(0, "done");
      assertTrue(serverSide.awaitEnd(WAIT));
      assertEquals(1, renewals.get());
    } finally {
      later.close();
    }
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void aRecordedRequestReplayedOnANewConnectionGetsNoAnswer() throws Exception {
    RelayGrant grant = grants.create(LOOPBACK);
    byte[] recorded;
    try (RecordingProxy proxy = RecordingProxy.start(new InetSocketAddress(LOOPBACK, relayHost.port()))) {
      RelayTransport.Hop viaProxy = new RelayTransport.Hop("jump", LOOPBACK,
          new RelayTransport.Hop.Grant(grant.credentials(), proxy.address().getPort()), () -> {
            throw new IOException("no renewal here");
          });
      try (ConnectAttempt attempt = new ConnectAttempt()) {
        new RelayTransport(List.of(viaProxy), "target", LOOPBACK, target.port()).open(attempt);
      }
      recorded = proxy.recorded();
    }
    try (SocketChannel socket = SocketChannel.open(new InetSocketAddress(LOOPBACK, relayHost.port()))) {
      socket.write(ByteBuffer.wrap(recorded));
      FrameReader reader = new FrameReader(socket);
      assertEquals(FrameType.CHALLENGE, reader.read().type());
      assertThrows(EOFException.class, reader::read); // closed: the tag was for another challenge
    }
  }

  @Test
  void garbageAndOversizedFramesAreClosedAndTheRelayGoesOn() throws Exception {
    byte[] badVersion = ByteBuffer.allocate(49).put((byte) 99).array();
    assertClosedWithoutAnswer(Frame.plain(FrameType.RELAY_HELLO, badVersion).wire());
    byte[] oversized = new FrameHeader(FrameType.RELAY_CONNECT, 0, 0, Integer.MAX_VALUE).encode();
    assertClosedWithoutAnswer(oversized);
    // A request whose host has a control character, after a proper hello and challenge.
    RelayGrant grant = grants.create(LOOPBACK);
    try (SocketChannel socket = SocketChannel.open(new InetSocketAddress(LOOPBACK, relayHost.port()))) {
      FrameWriter.write(socket, Frame.plain(FrameType.RELAY_HELLO, ByteBuffer.allocate(49)
          .put((byte) KeySchedule.VERSION).put(grant.credentials().id().bytes()).put(new byte[32]).array()));
      FrameReader reader = new FrameReader(socket);
      assertEquals(FrameType.CHALLENGE, reader.read().type());
      FrameWriter.write(socket, Frame.plain(FrameType.RELAY_CONNECT,
          ByteBuffer.allocate(32 + 2 + 3).put(new byte[32]).putShort((short) 22).put("a\nb".getBytes(StandardCharsets.UTF_8)).array()));
      assertThrows(EOFException.class, reader::read);
    }
    Session serverSide = target.newSession();
    connect(hop(grant.credentials()), target.port(), serverSide.credentials()).close(0, "done");
    assertTrue(serverSide.awaitEnd(WAIT));
  }

  private void assertClosedWithoutAnswer(byte[] bytes) throws IOException {
    try (SocketChannel socket = SocketChannel.open(new InetSocketAddress(LOOPBACK, relayHost.port()))) {
      socket.write(ByteBuffer.wrap(bytes));
      assertThrows(EOFException.class, () -> new FrameReader(socket).read());
    }
  }

  private RelayTransport.Hop hop(SessionCredentials grant) {
    return new RelayTransport.Hop("jump", LOOPBACK, new RelayTransport.Hop.Grant(grant, relayHost.port()), () -> {
      throw new IOException("no renewal here");
    });
  }

  private static void open(RelayTransport.Hop hop, int port) throws IOException {
    try (ConnectAttempt attempt = new ConnectAttempt()) {
      new RelayTransport(List.of(hop), "target", LOOPBACK, port).open(attempt);
    }
  }

  private Session connect(RelayTransport.Hop hop, int port, SessionCredentials session) throws IOException {
    return EternalClient.connect(new RelayTransport(List.of(hop), "target", LOOPBACK, port), session, options, null);
  }

  private static List<Frame> frames(byte[] bytes) throws IOException {
    FrameReader reader = new FrameReader(Channels.newChannel(new ByteArrayInputStream(bytes)));
    List<Frame> frames = new java.util.ArrayList<>();
    try {
      while (true) {
        frames.add(reader.read());
      }
    } catch (EOFException end) {
      return frames;
    }
  }

  private static boolean opens(Frame frame, SequenceAead aead) {
    try {
      frame.open(aead);
      return true;
    } catch (ProtocolException e) {
      return false;
    }
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return true;
      }
    }
    return false;
  }
}
