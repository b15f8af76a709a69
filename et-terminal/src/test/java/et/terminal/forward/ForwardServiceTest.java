package et.terminal.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.Channel;
import et.core.EternalClient;
import et.core.EternalServer;
import et.core.Session;
import et.core.SessionOptions;
import et.terminal.ChannelDispatcher;
import et.terminal.TerminalChannels;
import et.testkit.TestSeed;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forwarded connections through a real session over loopback: bytes both ways and a half-close
 * carried through to real TCP and unix socket targets; a refused target and a bad request answered
 * with their reason while the session goes on; a target that resets its connection ends the
 * forward at the client; the session's end closes the target connection.
 */
class ForwardServiceTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final SessionOptions OPTIONS = SessionOptions.defaults();

  @TempDir Path dir;

  private EternalServer server;
  private Session serverSide;
  private Session client;

  @BeforeEach
  void connect() throws IOException {
    server = EternalServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), OPTIONS);
    serverSide = server.newSession();
    ChannelDispatcher dispatcher =
        new ChannelDispatcher(serverSide, Map.of(TerminalChannels.FORWARD, new ForwardService(serverSide, request -> request)));
    serverSide.tasks().fork("channels", dispatcher::run);
    client = EternalClient.connect(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), serverSide.credentials(), OPTIONS);
  }

  @AfterEach
  void close() {
    client.close();
    server.close();
  }

  @Test
  void bytesAndAHalfCloseReachATcpTargetAndItsAnswerComesBack() throws Exception {
    try (ServerSocket target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Long> counted = countingTarget(target);
      byte[] data = new byte[3 << 20];
      new Random(TestSeed.forTest("ForwardServiceTest.tcp")).nextBytes(data);
      Channel forward = open(new Endpoint.Tcp("127.0.0.1", target.getLocalPort()));
      assertEquals(Optional.empty(), ForwardReply.read(forward.input()), "connected");
      forward.output().write(data);
      forward.shutdownOutput(); // the target reads its end of file, then answers with what it counted
      assertEquals(data.length + "\n", new String(forward.input().readAllBytes(), StandardCharsets.US_ASCII));
      assertEquals(data.length, counted.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }
  }

  @Test
  void aUnixSocketTargetWorksAlike() throws Exception {
    Path path = dir.resolve("target.sock");
    try (ServerSocketChannel target = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      target.bind(UnixDomainSocketAddress.of(path));
      CompletableFuture<byte[]> received = new CompletableFuture<>();
      Thread.ofVirtual().start(() -> {
        try (SocketChannel accepted = target.accept()) {
          received.complete(Channels.newInputStream(accepted).readAllBytes());
          Channels.newOutputStream(accepted).write("bye".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
          received.completeExceptionally(e);
        }
      });
      Channel forward = open(new Endpoint.Unix(path.toString()));
      assertEquals(Optional.empty(), ForwardReply.read(forward.input()));
      forward.output().write("hello".getBytes(StandardCharsets.US_ASCII));
      forward.shutdownOutput();
      assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), received.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
      assertEquals("bye", new String(forward.input().readAllBytes(), StandardCharsets.US_ASCII));
    }
  }

  @Test
  void aRefusedTargetAndABadRequestGetTheirReasonAndTheSessionGoesOn() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    Channel refused = open(new Endpoint.Tcp("127.0.0.1", closedPort));
    String reason = ForwardReply.read(refused.input()).orElseThrow();
    assertTrue(reason.startsWith("cannot connect to 127.0.0.1:" + closedPort), reason);
    assertEquals(-1, refused.input().read(), "the refused channel ends");

    Channel bad = client.openChannel(TerminalChannels.FORWARD);
    bad.output().write(new byte[] {9, 0, 0});
    String badReason = ForwardReply.read(bad.input()).orElseThrow();
    assertTrue(badReason.startsWith("bad request: unknown endpoint kind 9"), badReason);

    Channel tooLong = client.openChannel(TerminalChannels.FORWARD);
    tooLong.output().write(new byte[] {1, (byte) 0xff, (byte) 0xff}); // a 65535-byte host: refused before reading it
    assertTrue(ForwardReply.read(tooLong.input()).orElseThrow().contains("more than " + Endpoint.MAX_HOST_BYTES));

    assertNull(serverSide.end(), "the session goes on");
    try (ServerSocket target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Long> counted = countingTarget(target);
      Channel forward = open(new Endpoint.Tcp("127.0.0.1", target.getLocalPort()));
      assertEquals(Optional.empty(), ForwardReply.read(forward.input()), "a forward after the refusals connects");
      forward.shutdownOutput();
      assertEquals("0\n", new String(forward.input().readAllBytes(), StandardCharsets.US_ASCII));
      assertEquals(0, counted.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }
  }

  @Test
  void aTargetThatResetsTheConnectionEndsTheForwardAtTheClient() throws Exception {
    try (ServerSocket target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CountDownLatch connected = new CountDownLatch(1);
      Thread.ofVirtual().start(() -> {
        try (Socket accepted = target.accept()) {
          connected.await();
          accepted.setSoLinger(true, 0); // closing resets: a target that crashed
        } catch (IOException | InterruptedException e) {
          // the client's read below fails
        }
      });
      Channel forward = open(new Endpoint.Tcp("127.0.0.1", target.getLocalPort()));
      assertEquals(Optional.empty(), ForwardReply.read(forward.input()), "connected");
      connected.countDown();
      // The client sends nothing: only the host can tell it that the connection is gone.
      CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
        try {
          return forward.input().read();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, Executors.newVirtualThreadPerTaskExecutor());
      assertEquals(-1, read.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "the forward ends");
      assertNull(serverSide.end(), "the session goes on");
    }
  }

  @Test
  void theSessionsEndClosesTheTargetConnection() throws Exception {
    try (ServerSocket target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Integer> targetRead = new CompletableFuture<>();
      Thread.ofVirtual().start(() -> {
        try (Socket accepted = target.accept()) {
          targetRead.complete(accepted.getInputStream().read()); // never answers, never closes first
        } catch (IOException e) {
          targetRead.completeExceptionally(e);
        }
      });
      Channel forward = open(new Endpoint.Tcp("127.0.0.1", target.getLocalPort()));
      assertEquals(Optional.empty(), ForwardReply.read(forward.input()));
      client.close(0, "done");
      assertEquals(-1, targetRead.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "the target sees the end");
      assertTrue(serverSide.tasks().awaitEnd(TIMEOUT), "nothing of the session left running");
    }
  }

  private Channel open(Endpoint target) throws IOException {
    Channel channel = client.openChannel(TerminalChannels.FORWARD);
    target.writeTo(channel.output());
    return channel;
  }

  /** A target that counts what it reads until end of file, answers "COUNT\n" and closes. */
  private static CompletableFuture<Long> countingTarget(ServerSocket target) {
    CompletableFuture<Long> counted = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try (Socket accepted = target.accept()) {
        InputStream in = accepted.getInputStream();
        long count = in.transferTo(OutputStream.nullOutputStream());
        accepted.getOutputStream().write((count + "\n").getBytes(StandardCharsets.US_ASCII));
        counted.complete(count);
      } catch (IOException e) {
        counted.completeExceptionally(e);
      }
    });
    return counted;
  }
}
