package et.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.Channel;
import et.core.EternalClient;
import et.core.EternalServer;
import et.core.Session;
import et.core.SessionOptions;
import et.testkit.Poll;
import et.testkit.TestSeed;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A session's channels reach their handlers whenever they open, each handler a task of the
 * session's group named after its label; a label nobody serves is refused without ending the
 * session. A real session over loopback.
 */
class ChannelDispatcherTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void channelsReachTheirHandlersWheneverTheyOpenAndUnknownOnesAreRefused() throws Exception {
    SessionOptions options = SessionOptions.defaults();
    try (EternalServer server = EternalServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), options)) {
      Session serverSide = server.newSession();
      CompletableFuture<String> echoThread = new CompletableFuture<>();
      ChannelHandler echo = channel -> {
        echoThread.complete(Thread.currentThread().getName());
        try (channel) {
          channel.input().transferTo(channel.output());
          channel.shutdownOutput();
        }
      };
      ChannelDispatcher dispatcher = new ChannelDispatcher(serverSide, Map.of("echo", echo));
      CompletableFuture<Void> dispatched = serverSide.tasks().fork("channels", dispatcher::run);
      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
      try (Session client = EternalClient.connect(address, serverSide.credentials(), options)) {
        Channel unknown = client.openChannel("no-such-service\u001b[2J");
        assertEquals(-1, readOrEnd(unknown.input()), "an unknown channel is refused: closed");

        Channel late = client.openChannel("echo"); // opened after another, any time in the session
        late.output().write("ping".getBytes(StandardCharsets.US_ASCII));
        late.shutdownOutput();
        assertEquals("ping", new String(late.input().readAllBytes(), StandardCharsets.US_ASCII));
        assertEquals(serverSide + " echo", echoThread.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        assertNull(serverSide.end(), "the session goes on after a refusal");
      }
      assertTrue(serverSide.awaitEnd(TIMEOUT));
      dispatched.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS); // the dispatcher ends with the session
      assertTrue(serverSide.tasks().awaitEnd(TIMEOUT), "nothing of the session left running");
    }
  }

  /** The next byte, or -1 at the end; a reset channel (IOException) counts as its end. */
  private static int readOrEnd(InputStream in) {
    try {
      return in.read();
    } catch (IOException e) {
      return -1;
    }
  }

  @Test
  void inOrderHandlersSeeTheChannelsInTheOrderTheyOpened() throws Exception {
    SessionOptions options = SessionOptions.defaults();
    try (EternalServer server = EternalServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), options)) {
      Session serverSide = server.newSession();
      List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
      // Each takes a random while: were the handlers forked, those pauses would reorder them.
      Random random = new Random(TestSeed.forTest("ChannelDispatcherTest.inOrder"));
      ChannelHandler.InOrder record = channel -> {
        Thread.sleep(random.nextInt(3));
        seen.add(channel.id());
      };
      serverSide.tasks().fork("channels", new ChannelDispatcher(serverSide, Map.of("a", record))::run);
      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
      try (Session client = EternalClient.connect(address, serverSide.credentials(), options)) {
        List<Integer> opened = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          opened.add(client.openChannel("a").id());
        }
        assertTrue(Poll.until(TIMEOUT, () -> seen.size() == opened.size()), "seen " + seen);
        assertEquals(opened, seen);
      }
    }
  }
}
