package et.server.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The environment the session host starts with. */
class HostLauncherTest {
  @TempDir Path home;

  /** etterminal's environment, less the ssh connection's variables, plus one malloc arena. */
  @Test
  void theHostGetsEtterminalsEnvironmentWithoutTheConnectionAndWithOneMallocArena() throws Exception {
    Path hostCommand = home.resolve("et-host");
    Path seen = home.resolve("host-environment");
    Files.writeString(hostCommand, "#!/bin/sh\nenv > '" + seen + "'\n");
    Files.setPosixFilePermissions(hostCommand, PosixFilePermissions.fromString("rwx------"));
    Map<String, String> etterminal = Map.of(
        "HOME", home.toString(),
        "PATH", "/usr/bin:/bin",
        "LANG", "C.UTF-8",
        "SSH_CONNECTION", "192.0.2.1 50000 192.0.2.2 22",
        "SSH_AUTH_SOCK", "/tmp/ssh-agent.sock");

    Process host = new HostLauncher(hostCommand, HostPaths.fromEnvironment(etterminal), etterminal).start();

    assertTrue(host.waitFor(10, TimeUnit.SECONDS), "the stand-in host ends");
    Map<String, String> environment = new HashMap<>();
    for (String line : Files.readAllLines(seen)) {
      int equals = line.indexOf('=');
      environment.put(line.substring(0, equals), line.substring(equals + 1));
    }
    assertEquals("1", environment.get("MALLOC_ARENA_MAX"), environment.toString());
    assertEquals("C.UTF-8", environment.get("LANG"));
    assertEquals(home.toString(), environment.get("HOME"));
    assertFalse(environment.containsKey("SSH_CONNECTION"), environment.toString());
    assertFalse(environment.containsKey("SSH_AUTH_SOCK"), environment.toString());
  }
}
