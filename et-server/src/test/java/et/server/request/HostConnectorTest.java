package et.server.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Waiting for a session host that etterminal's launcher started early, with real processes: a
 * stand-in early host ({@code sleep}, a child of this JVM) and a stand-in et-host script that
 * records each start. No host ever answers here, so each exchange ends at its deadline.
 */
class HostConnectorTest {
  private static final Duration DEADLINE = Duration.ofMillis(1500);

  @TempDir Path home;
  private Process early;

  @AfterEach
  void endTheEarlyHost() {
    if (early != null) {
      early.destroyForcibly();
    }
  }

  @Test
  void whileTheEarlyHostRunsNoOtherIsStarted() throws Exception {
    early = new ProcessBuilder("sleep", "30").start();
    Path starts = home.resolve("starts");
    HostConnector connector = connector(starts, Map.of(HostConnector.EARLY_HOST_VARIABLE, Long.toString(early.pid())));

    IOException failure = assertThrows(IOException.class, () -> connector.exchange("ET1 LIST nonce=x", DEADLINE));

    assertTrue(failure.getMessage().contains("no session host answered"), failure.getMessage());
    assertFalse(Files.exists(starts), "a second host was started beside the early one");
  }

  @Test
  void anEarlyHostThatExitsIsReplacedByOneStartedAsUsual() throws Exception {
    early = new ProcessBuilder("sleep", "0.5").start();
    Path starts = home.resolve("starts");
    HostConnector connector = connector(starts, Map.of(HostConnector.EARLY_HOST_VARIABLE, Long.toString(early.pid())));

    assertThrows(IOException.class, () -> connector.exchange("ET1 LIST nonce=x", DEADLINE));

    assertFalse(early.isAlive());
    assertEquals(1, Files.readAllLines(starts).size(), "the host was not started once");
  }

  @Test
  void onlyAChildOfThisProcessIsTakenForTheEarlyHost() {
    Map<String, String> notOurs = Map.of(HostConnector.EARLY_HOST_VARIABLE, "1");
    Map<String, String> garbage = Map.of(HostConnector.EARLY_HOST_VARIABLE, "12ab");

    assertEquals(Optional.empty(), HostConnector.earlyHost(notOurs));
    assertEquals(Optional.empty(), HostConnector.earlyHost(garbage));
    assertEquals(Optional.empty(), HostConnector.earlyHost(Map.of()));
  }

  /** A connector whose stand-in et-host appends a line to {@code starts} each time it is run. */
  private HostConnector connector(Path starts, Map<String, String> launcherVariables) throws IOException {
    Path hostCommand = home.resolve("et-host");
    Files.writeString(hostCommand, "#!/bin/sh\necho started >> '" + starts + "'\n");
    Files.setPosixFilePermissions(hostCommand, PosixFilePermissions.fromString("rwx------"));
    Map<String, String> env = new HashMap<>(launcherVariables);
    env.put("HOME", home.toString());
    env.put("XDG_RUNTIME_DIR", home.resolve("run").toString());
    HostPaths paths = HostPaths.fromEnvironment(env);
    return new HostConnector(paths, new HostLauncher(hostCommand, paths, env), env);
  }
}
