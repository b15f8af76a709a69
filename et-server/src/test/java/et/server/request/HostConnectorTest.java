package et.server.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starting a session host when none answers, with a stand-in et-host script (a real process) that
 * records each start and serves nothing, so that each exchange ends at its deadline.
 */
class HostConnectorTest {
  private static final Duration DEADLINE = Duration.ofMillis(1500);

  @TempDir Path home;

  @Test
  void aHostIsStartedOnceWhenNoneAnswers() throws Exception {
    Path starts = home.resolve("starts");
    Path hostCommand = home.resolve("et-host");
    Files.writeString(hostCommand, "#!/bin/sh\necho started >> '" + starts + "'\n");
    Files.setPosixFilePermissions(hostCommand, PosixFilePermissions.fromString("rwx------"));
    Map<String, String> env = Map.of("HOME", home.toString(), "XDG_RUNTIME_DIR", home.resolve("run").toString());
    HostPaths paths = HostPaths.fromEnvironment(env);
    HostConnector connector = new HostConnector(paths, new HostLauncher(hostCommand, paths, env)::start);

    IOException failure = assertThrows(IOException.class, () -> connector.exchange("ET1 LIST nonce=x", DEADLINE));

    assertTrue(failure.getMessage().contains("no session host answered"), failure.getMessage());
    assertEquals(1, Files.readAllLines(starts).size(), "the host was not started once");
  }

  @Test
  void aStarterThatRefusesEndsTheExchangeWithItsReason() {
    HostPaths paths = HostPaths.fromEnvironment(Map.of("HOME", home.toString()));
    HostConnector connector = new HostConnector(paths, () -> {
      throw new IOException("the session host could not start: port 2022 is taken");
    });

    long start = System.nanoTime();
    IOException failure = assertThrows(IOException.class, () -> connector.exchange("ET1 LIST nonce=x", DEADLINE));

    assertEquals("the session host could not start: port 2022 is taken", failure.getMessage());
    assertTrue(System.nanoTime() - start < DEADLINE.toNanos(), "the exchange waited for its deadline");
  }
}
