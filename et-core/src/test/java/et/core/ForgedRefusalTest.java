package et.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.crypto.KeySchedule;
import et.core.crypto.RefusalProof;
import et.core.resume.Refusal;
import et.core.testing.Loopback;
import et.core.testing.RecordingProxy;
import et.core.wire.Frame;
import et.core.wire.FrameReader;
import et.core.wire.FrameType;
import et.testkit.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Refusals on a reconnect, as someone on the path (or a DNS answer pointing elsewhere) could send
 * them: the client's reconnections go to a {@link Forger} instead of the server. Only a refusal
 * the server vouches for ends the session at once; others only once they have lasted the refusal
 * limit.
 */
@Timeout(60)
class ForgedRefusalTest {
  private static final SessionOptions FAST =
      SessionOptions.defaults()
          .withKeepalive(Duration.ofMillis(100), Duration.ofMillis(300))
          .withHandshakeTimeout(Duration.ofSeconds(1))
          .withRefusalLimit(Duration.ofMinutes(1));
  private static final Duration WAIT = Duration.ofSeconds(15);

  @Test
  void forgedRefusalsDuringAnOutageLeaveTheSessionToResumeWithEveryByte() throws Exception {
    try (EternalServer server = Loopback.server(FAST);
        RecordingProxy path = RecordingProxy.start(address(server));
        Forger forger = Forger.answering(clientNonce -> refuse(RefusalProof.none()))) {
      Session serverSide = server.newSession();
      AtomicReference<InetSocketAddress> dial = new AtomicReference<>(path.address());
      Session client = EternalClient.connect(dial::get, serverSide.credentials(), FAST);
      Channel clientChannel = client.openChannel("lines");
      Channel serverChannel = serverSide.acceptChannel(WAIT);
      BufferedReader received = lines(serverChannel);
      OutputStream sent = clientChannel.output();
      sent.write("before the cut\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals("before the cut", received.readLine());

      dial.set(forger.address());
      path.close(); // the cut: every reconnection now meets the forger
      Await.until("three forged refusals", WAIT, () -> forger.answered() >= 3);
      assertEquals(SessionState.DISCONNECTED, client.state());
      assertEquals("no such session (unverified)", client.unprovenRefusals().orElseThrow().reason());
      sent.write("written while refused\n".getBytes(StandardCharsets.US_ASCII));

      dial.set(address(server));
      Await.until("the client back on the server", WAIT, () -> client.state() == SessionState.CONNECTED);
      assertEquals("written while refused", received.readLine());
      assertTrue(client.unprovenRefusals().isEmpty(), "the streak ends with a connection");

      serverSide.close(0, "done");
      assertTrue(client.awaitEnd(WAIT));
      assertEquals(new SessionEnd(SessionEnd.Cause.CLOSED_BY_PEER, 0, "done"), client.end());
    }
  }

  /** A vouched refusal recorded on another connection (another client nonce) proves nothing. */
  @Test
  void aReplayedProofIsNoProof() throws Exception {
    try (EternalServer server = Loopback.server(FAST);
        RecordingProxy path = RecordingProxy.start(address(server))) {
      Session serverSide = server.newSession();
      byte[] replayed = RefusalProof.of(refusalKey(serverSide), Refusal.NO_SESSION.code, new byte[KeySchedule.NONCE_BYTES]);
      try (Forger forger = Forger.answering(clientNonce -> refuse(replayed))) {
        AtomicReference<InetSocketAddress> dial = new AtomicReference<>(path.address());
        Session client = EternalClient.connect(dial::get, serverSide.credentials(), FAST);
        dial.set(forger.address());
        path.close();
        Await.until("three replayed refusals", WAIT, () -> forger.answered() >= 3);
        assertEquals(SessionState.DISCONNECTED, client.state());
        assertTrue(client.unprovenRefusals().isPresent());
        client.close();
      }
    }
  }

  @Test
  void refusalsWithoutProofEndTheSessionOnceTheyHaveLastedTheLimit() throws Exception {
    Duration limit = Duration.ofSeconds(2);
    SessionOptions options = FAST.withRefusalLimit(limit);
    try (EternalServer server = Loopback.server(options);
        RecordingProxy path = RecordingProxy.start(address(server));
        Forger forger = Forger.answering(clientNonce -> refuse(RefusalProof.none()))) {
      Session serverSide = server.newSession();
      AtomicReference<InetSocketAddress> dial = new AtomicReference<>(path.address());
      Session client = EternalClient.connect(dial::get, serverSide.credentials(), options);
      dial.set(forger.address());
      path.close();

      assertTrue(client.awaitEnd(WAIT));
      long refusedFor = System.nanoTime() - forger.firstAnswerNanos();
      assertEquals(SessionEnd.Cause.REFUSED, client.end().cause());
      assertEquals("every reconnection refused for 2 s without proof that the server knows the session (its "
          + "session host restarted, or someone on the path refuses for it): no such session", client.end().reason());
      assertTrue(refusedFor >= limit.toNanos(), "ended " + refusedFor / 1_000_000 + " ms after the first refusal");
      assertEquals(null, serverSide.end(), "the server's session is untouched");
    }
  }

  /** A server that knows the session (it remembers it ended) makes the proof: that ends at once. */
  @Test
  void aVouchedRefusalEndsTheSessionAtOnce() throws Exception {
    try (EternalServer server = Loopback.server(FAST);
        RecordingProxy path = RecordingProxy.start(address(server))) {
      Session serverSide = server.newSession();
      byte[] key = refusalKey(serverSide);
      try (Forger knowing = Forger.answering(clientNonce -> refuse(RefusalProof.of(key, Refusal.NO_SESSION.code, clientNonce)))) {
        AtomicReference<InetSocketAddress> dial = new AtomicReference<>(path.address());
        Session client = EternalClient.connect(dial::get, serverSide.credentials(), FAST);
        dial.set(knowing.address());
        path.close();

        assertTrue(client.awaitEnd(WAIT));
        assertEquals(new SessionEnd(SessionEnd.Cause.REFUSED, 0, "the session has ended"), client.end());
        assertEquals(1, knowing.answered(), "no retry after a vouched refusal");
      }
    }
  }

  private static InetSocketAddress address(EternalServer server) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
  }

  private static byte[] refusalKey(Session session) {
    return KeySchedule.refusalKey(session.credentials().secret(), session.id().bytes());
  }

  private static BufferedReader lines(Channel channel) {
    return new BufferedReader(new InputStreamReader(channel.input(), StandardCharsets.US_ASCII));
  }

  /** A REFUSE 1 frame carrying {@code proof}. */
  private static byte[] refuse(byte[] proof) {
    byte[] text = Refusal.NO_SESSION.text.getBytes(StandardCharsets.UTF_8);
    byte[] body = ByteBuffer.allocate(1 + proof.length + text.length)
        .put((byte) Refusal.NO_SESSION.code).put(proof).put(text).array();
    return Frame.plain(FrameType.REFUSE, body).wire();
  }

  /** Reads each connection's HELLO and answers it with the frame its function makes from the client nonce. */
  private static final class Forger implements AutoCloseable {
    private final ServerSocket listener;
    private final UnaryOperator<byte[]> answer;
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicLong firstAnswerNanos = new AtomicLong();

    private Forger(ServerSocket listener, UnaryOperator<byte[]> answer) {
      this.listener = listener;
      this.answer = answer;
      Thread.ofVirtual().name("forger").start(this::serve);
    }

    static Forger answering(UnaryOperator<byte[]> answer) throws IOException {
      return new Forger(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), answer);
    }

    InetSocketAddress address() {
      return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    int answered() {
      return answered.get();
    }

    long firstAnswerNanos() {
      return firstAnswerNanos.get();
    }

    private void serve() {
      while (!listener.isClosed()) {
        try (Socket socket = listener.accept()) {
          Frame hello = new FrameReader(Channels.newChannel(socket.getInputStream())).read();
          byte[] clientNonce = Arrays.copyOfRange(hello.body(), 1 + 16, hello.body().length);
          firstAnswerNanos.compareAndSet(0, System.nanoTime());
          socket.getOutputStream().write(answer.apply(clientNonce));
          answered.incrementAndGet();
        } catch (IOException e) {
          // closed, or a client that gave up: the next accept decides
        }
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }
}
