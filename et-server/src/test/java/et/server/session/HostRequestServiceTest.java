package et.server.session;

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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The deadline of a host request over a session, shortened: a real session over loopback whose
 * host requests are answered by a recorder. The answers themselves, over a real session host, are
 * HostRequestChannelTest's.
 */
class HostRequestServiceTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Duration DEADLINE = Duration.ofMillis(300);
  private static final SessionOptions OPTIONS = SessionOptions.defaults();

  /** The lines the host was asked to answer. */
  private final List<String> asked = new CopyOnWriteArrayList<>();
  private EternalServer server;
  private Session client;

  @BeforeEach
  void connect() throws Exception {
    server = EternalServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), OPTIONS);
    Session serverSide = server.newSession();
    HostRequests recorder = line -> {
      asked.add(line);
      return Optional.of("answer " + asked.size());
    };
    ChannelDispatcher dispatcher = new ChannelDispatcher(
        serverSide, Map.of(TerminalChannels.HOST_REQUEST, new HostRequestService(serverSide, recorder, DEADLINE)));
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
  void aChannelWithoutAWholeLineIsClosedUnansweredOnceTheDeadlinePassed() throws Exception {
    long opened = System.nanoTime();
    Channel silent = client.openChannel(TerminalChannels.HOST_REQUEST);
    Channel trickling = client.openChannel(TerminalChannels.HOST_REQUEST);
    trickling.output().write("ET1 LIST nonce=".getBytes(StandardCharsets.US_ASCII));

    for (Channel channel : List.of(silent, trickling)) {
      channel.whenClosedByPeer().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      assertEquals(-1, channel.input().read(), "no reply");
    }
    assertTrue(System.nanoTime() - opened >= DEADLINE.toNanos(), "closed before the deadline");
    assertEquals(List.of(), asked, "a line cut short by the deadline is not answered");

    Channel prompt = client.openChannel(TerminalChannels.HOST_REQUEST);
    prompt.output().write("ET1 LIST\n".getBytes(StandardCharsets.US_ASCII));
    assertEquals("answer 1\n", new String(prompt.input().readAllBytes(), StandardCharsets.US_ASCII));
    assertNull(client.end(), "the session goes on");
  }
}
