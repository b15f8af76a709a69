package et.server.pty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class TerminalWarmupTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path directory;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void everyKeyIsEchoedAndNoThreadOrProcessIsLeftBehind() {
    long catsBefore = cats();
    assertEquals(200, TerminalWarmup.run(directory, 200, Duration.ofSeconds(30)));
    Await.until("the warm-up's threads and cat to end", TIMEOUT,
        () -> noThreadNamed("pty-") && cats() == catsBefore);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void anInterruptedCallerStopsItAndKeepsTheInterrupt() {
    Thread.currentThread().interrupt();
    try {
      assertEquals(0, TerminalWarmup.run(directory, Integer.MAX_VALUE, Duration.ofSeconds(30)));
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt stays set");
    } finally {
      Thread.interrupted();
    }
    Await.until("the warm-up's threads to end", TIMEOUT, () -> noThreadNamed("pty-"));
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void thePreloadRunsAProgramInATerminalAndLeavesNothingBehind() throws Exception {
    assertTrue(TerminalWarmup.preload(directory), "/bin/true did not run to its end");
    Await.until("the preload's threads and program to end", TIMEOUT,
        () -> noThreadNamed("pty-") && ProcessHandle.current().children()
            .noneMatch(p -> p.info().command().map(c -> c.endsWith("/true")).orElse(false)));
  }

  private static boolean noThreadNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().contains(prefix) && t.isAlive());
  }

  /** This JVM's children running cat. */
  private static long cats() {
    return ProcessHandle.current().children()
        .filter(p -> p.info().command().map(c -> c.endsWith("/cat")).orElse(false))
        .count();
  }
}
