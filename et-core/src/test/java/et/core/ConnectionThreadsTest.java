package et.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.testing.Loopback;
import et.testkit.Await;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A session asked to read its connections on platform threads gets them, and only those: its
 * socket-write and keepalive tasks stay virtual. The threads end with the session.
 */
class ConnectionThreadsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void platformThreadsReadTheConnectionsAndEndWithTheSession() throws Exception {
    SessionOptions options = SessionOptions.defaults().withConnectionThreads(ConnectionThreads.PLATFORM);
    try (EternalServer server = Loopback.server(options)) {
      Session serverSide = server.newSession();
      Session client = Loopback.connect(server, serverSide, options);
      Channel out = client.openChannel("echo");
      Channel in = serverSide.acceptChannel(TIMEOUT);
      assertNotNull(in);
      out.output().write("hello".getBytes());
      assertArrayEquals("hello".getBytes(), in.input().readNBytes(5));

      String prefix = "session " + client.id().toString().substring(0, 4);
      // Thread.getAllStackTraces lists platform threads only: virtual ones would not show up.
      // Each thread names itself when its task starts, which may come after the echo above.
      Await.until("both ends' socket readers to start", TIMEOUT,
          () -> threadsNamed(prefix + " socket-read").size() >= 2);
      List<Thread> socketReaders = threadsNamed(prefix + " socket-read");
      assertEquals(2, socketReaders.size(), "one socket-read per end: " + socketReaders);
      assertTrue(socketReaders.stream().allMatch(Thread::isDaemon), "daemons: they never keep a JVM alive");
      assertEquals(List.of(), threadsNamed(prefix + " socket-write"), "virtual: no platform thread's stack");
      assertEquals(List.of(), threadsNamed(prefix + " keepalive"), "virtual: no platform thread's stack");

      client.close(0, "done");
      assertTrue(client.awaitEnd(TIMEOUT) && serverSide.awaitEnd(TIMEOUT), "both ends ended");
      Await.until("the connection threads to end", TIMEOUT, () -> threadsNamed(prefix).isEmpty());
    }
  }

  @Test
  void virtualThreadsAreTheDefault() throws Exception {
    SessionOptions options = SessionOptions.defaults();
    assertEquals(ConnectionThreads.VIRTUAL, options.connectionThreads());
    try (EternalServer server = Loopback.server(options)) {
      Session serverSide = server.newSession();
      try (Session client = Loopback.connect(server, serverSide, options)) {
        client.openChannel("probe");
        assertNotNull(serverSide.acceptChannel(TIMEOUT));
        assertEquals(List.of(), threadsNamed("session " + client.id().toString().substring(0, 4)));
      }
    }
  }

  private static List<Thread> threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(prefix) && t.isAlive())
        .toList();
  }
}
