package et.client.term;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fast exit, in JVMs of their own: it skips the hooks, but never a signal's status. */
@Timeout(60)
class ProcessExitTest {
  private static final int STATUS = 7;

  @Test
  void endsTheProcessWithTheStatusAndRunsNoHook() throws Exception {
    Process child = start(ExitsAtOnce.class);
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child ended");
    assertEquals(STATUS, child.exitValue());
    assertEquals("", output, "no hook ran");
  }

  /**
   * SIGTERM's shutdown hook ends the session, so the main thread finishes its run and exits while
   * the hooks still run: the process must end as SIGTERM ends it (143), not with the run's status.
   */
  @Test
  void duringASignalsShutdownTheSignalsStatusStands() throws Exception {
    Process child = start(ExitsDuringASignalsShutdown.class);
    BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    assertEquals("ready", lines.readLine());
    child.destroy(); // SIGTERM
    assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child ended");
    assertEquals(128 + 15, child.exitValue());
  }

  private static Process start(Class<?> main) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), main.getName()))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  /** Registers a hook that would print, then exits through {@link ProcessExit#now}. */
  static final class ExitsAtOnce {
    public static void main(String[] args) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.print("hook ran")));
      ProcessExit.now(STATUS);
      throw new AssertionError("ProcessExit.now returned");
    }
  }

  /**
   * Waits for SIGTERM; its shutdown hook lets the main thread exit and holds the shutdown until the
   * main thread has tried, as et's hook does while it closes the session.
   */
  static final class ExitsDuringASignalsShutdown {
    public static void main(String[] args) throws InterruptedException {
      CountDownLatch hookRuns = new CountDownLatch(1);
      CountDownLatch mainTried = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        hookRuns.countDown();
        try {
          mainTried.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
      System.out.println("ready");
      System.out.flush();
      hookRuns.await();
      ProcessExit.now(STATUS);
      mainTried.countDown();
      System.exit(STATUS); // waits for the signal's shutdown
    }
  }
}
