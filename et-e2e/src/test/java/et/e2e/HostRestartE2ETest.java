package et.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.Poll;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session host dies (kill -9) and another takes its place: it cannot know the old sessions, so
 * it refuses their clients without proof. The client says so and ends once the refusals have
 * lasted its --refusal-limit, instead of retrying for the 24 h disconnect limit.
 */
@EnabledOnOs(OS.LINUX)
class HostRestartE2ETest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path base;

  @Test
  void aClientOfAHostThatWasKilledAndReplacedEndsWithinItsRefusalLimit() throws Exception {
    try (RemoteHost host = RemoteHost.start(base);
        EtProcess orphan = EtProcess.start(host.etCommand("--refusal-limit", "3", "-c", "echo started; sleep 600"))) {
      BufferedReader out = new BufferedReader(new InputStreamReader(orphan.stdout(), StandardCharsets.UTF_8));
      assertEquals("started", out.readLine(), orphan.stderr());
      ProcessHandle first = host.sessionHost().orElseThrow();
      first.destroyForcibly();
      assertTrue(Poll.until(DEADLINE, () -> !first.isAlive()), "the first host is gone");

      try (EtProcess next = EtProcess.start(host.etCommand("-c", "echo second"))) {
        next.stdin().close();
        assertEquals("second\n", new String(next.stdout().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(0, next.awaitExit(DEADLINE), next.stderr());
      }
      ProcessHandle second = host.sessionHost().orElseThrow();
      assertTrue(second.pid() != first.pid(), "a new host took the port");

      assertEquals(255, orphan.awaitExit(DEADLINE), orphan.stderr());
      String said = orphan.stderr();
      assertTrue(said.contains("refused by the server: every reconnection refused for 3 s")
          && said.contains("its session host restarted"), said);
    }
  }
}
