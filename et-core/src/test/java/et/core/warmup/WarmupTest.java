package et.core.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.ConnectionThreads;
import et.core.EternalClient;
import et.core.EternalServer;
import et.core.Session;
import et.core.SessionOptions;
import et.core.testing.LogTail;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class WarmupTest {
  private static final SessionOptions OPTIONS = SessionOptions.defaults();

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void echoesTheAskedRoundTripsAndLeavesNoThreadBehind() {
    assertEquals(300, Warmup.run(OPTIONS.withConnectionThreads(ConnectionThreads.PLATFORM), 300, Duration.ofSeconds(20)));
    assertTrue(
        Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().contains("socket-read") && t.isAlive()),
        "the throwaway session's platform threads ended with it");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void echoesExactlyTheAskedRoundTripsWhenTheyAreFewerThanItsSessionsAndChannels() {
    for (int asked = 0; asked <= 4; asked++) {
      assertEquals(asked, Warmup.run(OPTIONS, asked, Duration.ofSeconds(20)), asked + " round trips asked");
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void stopsAtItsBudget() {
    int done = Warmup.run(OPTIONS, Integer.MAX_VALUE, Duration.ofMillis(200));
    assertTrue(done > 0 && done < Integer.MAX_VALUE, "round trips within the budget: " + done);
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void anInterruptedCallerStopsItAndKeepsTheInterrupt() {
    Thread.currentThread().interrupt();
    try {
      assertEquals(0, Warmup.run(OPTIONS, Integer.MAX_VALUE, Duration.ofSeconds(20)));
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt stays set");
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aCallerInterruptedMidWayStopsItWithoutAnErrorAndKeepsTheInterrupt() throws Exception {
    LogTail log = LogTail.mark();
    // As et's client ends while its warm-up runs (ssh failed): the interrupt lands anywhere in it.
    for (int delayMillis = 0; delayMillis < 60; delayMillis += 3) {
      AtomicBoolean interruptKept = new AtomicBoolean();
      Thread caller = Thread.ofPlatform().start(() -> {
        Warmup.run(OPTIONS, Integer.MAX_VALUE, Duration.ofSeconds(20));
        interruptKept.set(Thread.currentThread().isInterrupted());
      });
      Thread.sleep(delayMillis); // where in the warm-up the interrupt lands, not a wait for a condition
      caller.interrupt();
      caller.join(Duration.ofSeconds(10));
      assertFalse(caller.isAlive(), "the warm-up stopped, interrupted after " + delayMillis + " ms");
      assertTrue(interruptKept.get(), "the interrupt stays set, interrupted after " + delayMillis + " ms");
    }
    assertEquals(List.of(), log.linesWith("ERROR"), "errors logged by an interrupted warm-up");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void itsThrowawaySessionsLogTheirComingsAndGoingsAtDebugOnly() throws Exception {
    LogTail log = LogTail.mark();
    assertEquals(30, Warmup.run(OPTIONS, 30, Duration.ofSeconds(20)));
    assertEquals(List.of(), log.linesWith("connected via"), "the warm-up's sessions at info");
    assertEquals(List.of(), log.linesWith(": ended ("), "the warm-up's sessions at info");

    // The same lines of a session that is no warm-up's do reach the info log.
    InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    try (EternalServer server = EternalServer.start(any, OPTIONS)) {
      Session serverSide = server.newSession();
      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
      try (Session client = EternalClient.connect(address, serverSide.credentials(), OPTIONS)) {
        log.awaitLine(Duration.ofSeconds(10), client.toString(), "connected via");
      }
    }
  }
}
