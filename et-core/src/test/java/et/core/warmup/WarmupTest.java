package et.core.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.ConnectionThreads;
import et.core.SessionOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
}
