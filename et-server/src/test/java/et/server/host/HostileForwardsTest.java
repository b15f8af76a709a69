package et.server.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.Channel;
import et.core.Session;
import et.terminal.BootstrapNonce;
import et.terminal.BootstrapRequest;
import et.terminal.Endpoint;
import et.terminal.ResizeEvent;
import et.terminal.TerminalChannels;
import et.testkit.Await;
import et.testkit.CapturedOutput;
import java.io.IOException;
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
import java.util.concurrent.CopyOnWriteArrayList;
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

  private static String terminalRequest() {
    return new BootstrapRequest(BootstrapNonce.random(), "xterm-256color", 80, 24, Optional.empty(), false, new LinkedHashMap<>())
        .toLine();
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
