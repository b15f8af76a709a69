package et.client.thin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.Await;
import et.testkit.Processes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the agent asks of the thin client it reads keys for: does it run in front? */
class ForegroundTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void aProcessStoppedFromOutsideDoesNotRunInFrontAndContinuedItDoes() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "60").start(); // no terminal: no job control
    try (Foreground.Watch inFront = Foreground.watch((int) sleeper.pid())) {
      assertTrue(inFront.getAsBoolean(), "running, with no terminal to be behind");
      Processes.stop(sleeper.toHandle(), TIMEOUT);
      assertFalse(inFront.getAsBoolean(), "stopped");
      Processes.signal(sleeper.toHandle(), "CONT");
      Await.until("running again", TIMEOUT, inFront::getAsBoolean);
      sleeper.destroyForcibly().waitFor();
      assertTrue(inFront.getAsBoolean(), "gone: its end shows elsewhere");
    } finally {
      sleeper.destroyForcibly();
    }
  }

  @Test
  void statLinesAreReadPastAnyCommandNameAndWithoutATerminal() {
    assertTrue(inFront("17 (et) S 1 17 17 34816 17 4194304 0"), "its group in front");
    assertFalse(inFront("17 (et) S 1 17 17 34816 99 4194304 0"), "another group in front");
    assertFalse(inFront("17 (et) T 1 17 17 34816 17 4194304 0"), "stopped");
    assertFalse(inFront("17 (et) t 1 17 17 34816 17 4194304 0"), "stopped by a tracer");
    assertTrue(inFront("17 (a) S 9 8 (x)) R 1 17 17 0 -1 4194304 0"), "no terminal, a name with ') S 9 8 ('");
    assertThrows(RuntimeException.class, () -> inFront("17 (et) S 1"), "cut short");
  }

  private static boolean inFront(String stat) {
    byte[] bytes = stat.getBytes(StandardCharsets.US_ASCII);
    return Foreground.inFront(bytes, bytes.length);
  }
}
