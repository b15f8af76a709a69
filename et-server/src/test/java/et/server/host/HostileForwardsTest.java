package et.server.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.Channel;
import et.core.Session;
import et.server.session.ForwardPolicy;
import et.server.session.ForwardPolicy.Permit;
import et.terminal.BootstrapNonce;
import et.terminal.BootstrapRequest;
import et.terminal.ResizeEvent;
import et.terminal.TerminalChannels;
import et.terminal.forward.Endpoint;
import et.terminal.forward.ForwardReply;
import et.testkit.Await;
import et.testkit.CapturedOutput;
import et.testkit.SeededStream;
import et.testkit.TestSeed;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that speak the protocol but misbehave with forwarded connections, against a session host
 * in this JVM (a real login shell in a PTY, real sockets on 127.0.0.1): a flood of forward opens,
 * forwards whose far end never reads, requests that do not parse. The session's terminal and its
 * other forwards keep moving bytes, the host keeps serving other sessions, and what a flood opened
 * is released once its channels close.
 */
class HostileForwardsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  /** Descriptors the host may hold beyond its count before a flood (a log file rolled, a shell's PTY). */
  private static final int FD_SLACK = 32;
  /** More than a channel's window (1 MiB): a writer that stalls past it is held by flow control. */
  private static final long STALL_BYTES = 2 << 20;

  @TempDir Path base;

  @Test
  void aFloodOfForwardOpensLeavesTheTerminalAndOtherSessionsWorkingAndReleasesWhatItOpened() throws Exception {
    int rounds = 3;
    try (HostFixture fixture = HostFixture.start(base);
        SilentTarget silent = new SilentTarget()) {
      Session client = fixture.connect(fixture.requestSession(terminalRequest()));
      Terminal terminal = Terminal.open(client);
      int closedPort = freePort();
      long fdsBefore = openFileDescriptors();

      int silentOpens = 0;
      for (int round = 1; round <= rounds; round++) {
        // As many at once as the session allows: until the client's own channel cap refuses one.
        List<Channel> flood = new ArrayList<>();
        for (int i = 0; ; i++) {
          Channel channel;
          try {
            channel = client.openChannel(TerminalChannels.FORWARD);
          } catch (IOException capReached) {
            break;
          }
          switch (i % 3) {
            case 0 -> {
              silent.endpoint().writeTo(channel.output());
              silentOpens++;
            }
            case 1 -> new Endpoint.Tcp("127.0.0.1", closedPort).writeTo(channel.output());
            default -> { } // a request that never comes
          }
          flood.add(channel);
        }
        assertTrue(flood.size() > 1000, "forwards open at once: " + flood.size());
        int connected = silentOpens;
        Await.until(connected + " connections at the silent target", TIMEOUT,
            () -> silent.accepted() >= connected, () -> "(" + silent.accepted() + ")");
        terminal.run("echo round-$((" + round + "*1))", "round-" + round);
        assertEquals("other\n", runElsewhere(fixture, "echo other"), "another session of the host, mid-flood");
        for (Channel channel : flood) {
          channel.close();
        }
      }
      Await.until("the host to release what the flood opened", TIMEOUT,
          () -> openFileDescriptors() - silent.held() <= fdsBefore + FD_SLACK,
          () -> "(" + openFileDescriptors() + " descriptors, " + silent.held() + " of them the silent target's, "
              + fdsBefore + " before the flood)");
      terminal.run("echo after-$((6*7))", "after-42");
    }
  }

  @Test
  void forwardsWhoseFarEndNeverReadsStallAloneWhileAnotherForwardAndTheTerminalMoveOn() throws Exception {
    long seed = TestSeed.forTest("HostileForwardsTest.stalled");
    // Closed in reverse: the session first, which ends whatever still waits on it, the threads last.
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        ServerSocket deafTarget = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket floodingTarget = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket echoTarget = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        HostFixture fixture = HostFixture.start(base);
        Session client = fixture.connect(fixture.requestSession(terminalRequest()))) {
      Terminal terminal = Terminal.open(client);
      CountDownLatch deafListens = new CountDownLatch(1);
      AtomicBoolean stopSending = new AtomicBoolean();
      AtomicBoolean stopFlooding = new AtomicBoolean();
      try {
        // Upstream stall: the client writes into a forward whose target reads nothing until released.
        Future<Long> deafRead = threads.submit(() -> {
          try (Socket accepted = deafTarget.accept()) {
            deafListens.await();
            return accepted.getInputStream().transferTo(OutputStream.nullOutputStream());
          }
        });
        Channel toDeaf = connectedForward(client, deafTarget);
        AtomicLong sentToDeaf = new AtomicLong();
        Thread deafWriter = Thread.ofVirtual().name("test-write deaf").start(() -> {
          writeUntil(stopSending, toDeaf.output(), sentToDeaf);
          shutdownOutput(toDeaf);
        });
        Await.until("the writer to the deaf target to stall", TIMEOUT,
            () -> sentToDeaf.get() >= STALL_BYTES && deafWriter.getState() == Thread.State.WAITING,
            () -> "(" + sentToDeaf.get() + " bytes written, " + deafWriter.getState() + ")");

        // Downstream stall: a target floods a forward whose client reads nothing.
        AtomicLong sentByFlooder = new AtomicLong();
        CompletableFuture<Thread> flooder = new CompletableFuture<>();
        threads.submit(() -> {
          try (Socket accepted = floodingTarget.accept()) {
            flooder.complete(Thread.currentThread());
            writeUntil(stopFlooding, accepted.getOutputStream(), sentByFlooder);
            return null; // closing sends its end of file after the bytes
          }
        });
        Channel fromFlooder = connectedForward(client, floodingTarget);
        Thread flooderThread = flooder.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Await.until("the flooding target to stall", TIMEOUT,
            () -> sentByFlooder.get() >= STALL_BYTES && flooderThread.getState() == Thread.State.WAITING,
            () -> "(" + sentByFlooder.get() + " bytes written, " + flooderThread.getState() + ")");

        // Meanwhile another forward carries bytes both ways, and the terminal answers.
        threads.submit(() -> echoOnce(echoTarget));
        Channel echo = connectedForward(client, echoTarget);
        SeededStream bulk = new SeededStream(seed, 8 << 20);
        Future<byte[]> bulkSent = threads.submit(() -> {
          byte[] sha = bulk.writeTo(echo.output(), 64 * 1024);
          echo.shutdownOutput();
          return sha;
        });
        SeededStream.Check echoed = threads.submit(() -> bulk.readFrom(echo.input(), new AtomicLong()))
            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(-1, echoed.firstMismatch(), "echoed: " + echoed);
        assertEquals(bulk.length(), echoed.count());
        assertArrayEquals(bulkSent.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS), echoed.sha256());
        terminal.run("echo meanwhile-$((6*7))", "meanwhile-42");

        // Both stalls were held, not dropped: once read, every byte arrives.
        stopSending.set(true);
        deafListens.countDown();
        deafWriter.join(TIMEOUT);
        assertEquals(sentToDeaf.get(), deafRead.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "bytes at the deaf target");
        stopFlooding.set(true);
        long fromFlood = fromFlooder.input().transferTo(OutputStream.nullOutputStream());
        assertEquals(sentByFlooder.get(), fromFlood, "bytes from the flooding target");
        assertNull(client.end(), "the session goes on");
      } finally {
        // Whatever failed, nothing of the test waits any longer (the threads are closed last).
        stopSending.set(true);
        stopFlooding.set(true);
        deafListens.countDown();
      }
    }
  }

  @Test
  void forwardRequestsThatDoNotParseAreRefusedWithTheirReasonAndTheSessionGoesOn() throws Exception {
    record BadRequest(byte[] bytes, String reason) {}
    List<BadRequest> requests = List.of(
        new BadRequest(new byte[] {9, 0, 3, 'a', 'b', 'c'}, "unknown endpoint kind 9"),
        new BadRequest(new byte[] {1, (byte) 0xff, (byte) 0xff}, "endpoint of 65535 bytes, more than 255"),
        new BadRequest(new byte[] {2, 0, (byte) 200}, "endpoint of 200 bytes, more than 107"),
        new BadRequest(bytes(new byte[] {1, 0, 3}, "a b", new byte[] {0, 80}), "not a host name or address"),
        new BadRequest(bytes(new byte[] {1, 0, 9}, "127.0.0.1", new byte[] {0, 0}), "port out of 1..65535: 0"),
        new BadRequest(bytes(new byte[] {2, 0, 8}, "rel/sock", new byte[0]), "not an absolute unix socket path"),
        new BadRequest(bytes(new byte[] {1, 0, 9}, "127.0", new byte[0]), "forward request cut short"),
        new BadRequest(new byte[] {1, 0}, "forward request cut short"), // within a length field
        new BadRequest(new byte[0], "no forward request"));
    try (HostFixture fixture = HostFixture.start(base);
        ServerSocket echoTarget = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Session client = fixture.connect(fixture.requestSession(terminalRequest()));
      Terminal terminal = Terminal.open(client);
      for (BadRequest request : requests) {
        Channel channel = client.openChannel(TerminalChannels.FORWARD);
        channel.output().write(request.bytes());
        channel.shutdownOutput(); // what was sent is all there is
        String reason = ForwardReply.read(channel.input()).orElseThrow(() -> new AssertionError("connected"));
        assertTrue(reason.startsWith("bad request: " + request.reason()), "refused with: " + reason);
        assertEquals(-1, channel.input().read(), "the refused forward ends");
        channel.close();
      }
      assertSessionGoesOn(client, terminal, echoTarget);
    }
  }

  @Test
  void destinationsAndListenersTheHostsConfigForbidsAreRefusedWithTheReasonAndTheSessionGoesOn() throws Exception {
    try (ServerSocket allowed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket forbidden = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      HostConfig open = HostFixture.config(HostFixture.paths(base));
      ForwardPolicy narrow = new ForwardPolicy(Optional.of(List.of(Permit.parse("127.0.0.1:" + allowed.getLocalPort()))), false);
      HostConfig config = new HostConfig(open.paths(), open.bind(), open.port(), open.idleExit(), open.clientWait(),
          open.sessionOptions(), narrow, open.relaying(), open.acceptEnv());
      try (HostFixture fixture = HostFixture.start(config)) {
        Session client = fixture.connect(fixture.requestSession(terminalRequest()));
        Terminal terminal = Terminal.open(client);
        for (Endpoint target : List.of(new Endpoint.Tcp("127.0.0.1", forbidden.getLocalPort()),
            new Endpoint.Tcp("localhost", allowed.getLocalPort()), new Endpoint.Unix("/run/any.sock"))) {
          Channel channel = client.openChannel(TerminalChannels.FORWARD);
          target.writeTo(channel.output());
          assertEquals(Optional.of(target + " is not allowed by the host's permit-open"), ForwardReply.read(channel.input()));
          assertEquals(-1, channel.input().read(), "the refused forward ends");
          channel.close();
        }
        int port = freePort();
        Channel listen = client.openChannel(TerminalChannels.LISTEN);
        new Endpoint.Tcp("0.0.0.0", port).writeTo(listen.output());
        String refusal = ForwardReply.read(listen.input()).orElseThrow(() -> new AssertionError("listening"));
        assertTrue(refusal.contains("gateway-ports=no"), refusal);
        assertRefusedConnection(port);

        assertSessionGoesOn(client, terminal, allowed);
      }
    }
  }

  /** The session is open, its terminal answers, and a forward to {@code echoTarget} carries bytes. */
  private static void assertSessionGoesOn(Session client, Terminal terminal, ServerSocket echoTarget) throws Exception {
    assertNull(client.end(), "the session goes on");
    terminal.run("echo still-$((6*7))", "still-42");
    Thread.ofVirtual().start(() -> {
      try {
        echoOnce(echoTarget);
      } catch (IOException e) {
        // the forward's assertion below fails
      }
    });
    Channel good = connectedForward(client, echoTarget);
    good.output().write("ping".getBytes(StandardCharsets.US_ASCII));
    good.shutdownOutput();
    assertEquals("ping", new String(good.input().readAllBytes(), StandardCharsets.US_ASCII), "a good forward afterwards");
  }

  private static void assertRefusedConnection(int port) {
    assertThrows(IOException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close(), "nothing listens on " + port);
  }

  private static String terminalRequest() {
    return new BootstrapRequest(BootstrapNonce.random(), "xterm-256color", 80, 24, Optional.empty(), false, new LinkedHashMap<>())
        .toLine();
  }

  /** A forward to {@code target}'s port, once the host answered that it connected. */
  private static Channel connectedForward(Session client, ServerSocket target) throws IOException {
    Channel channel = client.openChannel(TerminalChannels.FORWARD);
    new Endpoint.Tcp("127.0.0.1", target.getLocalPort()).writeTo(channel.output());
    assertEquals(Optional.empty(), ForwardReply.read(channel.input()), "connected");
    return channel;
  }

  /** Writes chunks to {@code out} until {@code stop} is set (checked between chunks), counting them. */
  private static void writeUntil(AtomicBoolean stop, OutputStream out, AtomicLong written) {
    byte[] chunk = new byte[64 * 1024];
    try {
      while (!stop.get()) {
        out.write(chunk);
        written.addAndGet(chunk.length);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void shutdownOutput(Channel channel) {
    try {
      channel.shutdownOutput();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Void echoOnce(ServerSocket target) throws IOException {
    try (Socket accepted = target.accept()) {
      accepted.getInputStream().transferTo(accepted.getOutputStream());
      accepted.shutdownOutput();
    }
    return null;
  }

  private static byte[] bytes(byte[] head, String text, byte[] tail) {
    byte[] middle = text.getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[head.length + middle.length + tail.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(middle, 0, all, head.length, middle.length);
    System.arraycopy(tail, 0, all, head.length + middle.length, tail.length);
    return all;
  }

  /** The output of {@code command} run in a new pipe-mode session of the same host. */
  private static String runElsewhere(HostFixture fixture, String command) throws Exception {
    String line = new BootstrapRequest(BootstrapNonce.random(), "xterm", 80, 24, Optional.of(command), false, new LinkedHashMap<>())
        .toLine();
    Session other = fixture.connect(fixture.requestSession(line));
    other.openChannel(TerminalChannels.STDIN).shutdownOutput();
    Channel stdout = other.openChannel(TerminalChannels.STDOUT);
    other.openChannel(TerminalChannels.STDERR);
    CapturedOutput out = new CapturedOutput().readFrom(stdout.input(), "test-read other stdout");
    String text = out.awaitEnd(TIMEOUT);
    assertTrue(other.awaitEnd(TIMEOUT), "the other session ended");
    return text;
  }

  /** This JVM's open file descriptors: the host's sockets, and the test's own. */
  private static long openFileDescriptors() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  /** A terminal session's channels (resize first, 80x24), its output captured from the first prompt. */
  private record Terminal(Channel channel, CapturedOutput screen) {
    static Terminal open(Session client) throws IOException, InterruptedException {
      client.openChannel(TerminalChannels.RESIZE).output().write(new ResizeEvent(80, 24).encode());
      Channel channel = client.openChannel(TerminalChannels.TERMINAL);
      Terminal terminal = new Terminal(channel, new CapturedOutput().readFrom(channel.input(), "test-read terminal"));
      terminal.screen.await(HostFixture.PROMPT, 0, TIMEOUT);
      return terminal;
    }

    /** Types {@code command} and waits for {@code output}, after the command line's own echo. */
    void run(String command, String output) throws IOException, InterruptedException {
      int from = screen.length();
      channel.output().write((command + "\n").getBytes(StandardCharsets.UTF_8));
      int echoed = screen.await(command + "\r\n", from, TIMEOUT);
      screen.await(output + "\r\n", echoed, TIMEOUT);
    }
  }

  /** Accepts every connection and holds it: never reads, never writes, never closes until closed. */
  private static final class SilentTarget implements AutoCloseable {
    private final ServerSocket listener = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    SilentTarget() throws IOException {
      Thread.ofVirtual().name("silent target").start(() -> {
        while (true) {
          try {
            accepted.add(listener.accept());
          } catch (IOException closed) {
            return;
          }
        }
      });
    }

    Endpoint endpoint() {
      return new Endpoint.Tcp("127.0.0.1", listener.getLocalPort());
    }

    int accepted() {
      return accepted.size();
    }

    /** Its sockets still open (all it accepted: it never closes one). */
    int held() {
      return accepted.size();
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
