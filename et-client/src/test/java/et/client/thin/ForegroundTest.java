package et.client.thin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.Await;
import et.testkit.Processes;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the agent asks of the thin client it reads keys for: does it run in front? */
class ForegroundTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void aProcessStoppedFromOutsideDoesNotRunInFrontAndContinuedItDoes() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "60").start(); // no terminal: no job control
    try {
      int pid = (int) sleeper.pid();
      assertTrue(Foreground.runsInFront(pid), "running, with no terminal to be behind");
      Processes.signal(sleeper.toHandle(), "STOP");
      Await.until("stopped", TIMEOUT, () -> Processes.isStopped(sleeper.toHandle()));
      assertFalse(Foreground.runsInFront(pid), "stopped");
      Processes.signal(sleeper.toHandle(), "CONT");
      Await.until("running again", TIMEOUT, () -> Foreground.runsInFront(pid));
    } finally {
      sleeper.destroyForcibly().waitFor();
    }
    assertTrue(Foreground.runsInFront((int) sleeper.pid()), "gone: its end shows elsewhere");
  }
}
