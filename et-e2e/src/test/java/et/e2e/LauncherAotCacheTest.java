package et.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.CommandResult;
import et.testkit.Commands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The launchers start from an AOT cache when launcher/build made one; one that does not belong to
 * the jars (stale after a rebuild, or damaged) is ignored without a word: etterminal's stdout
 * carries its answer to the client, and nothing else may appear there.
 */
class LauncherAotCacheTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Path CACHE = RemoteHost.REPO.resolve("et-server/target/etterminal.aot");

  @Test
  void aDamagedCacheIsIgnoredSilently() throws Exception {
    List<String> version = List.of(RemoteHost.ETTERMINAL.toString(), "--version");
    String expected = Commands.check(version, TIMEOUT).stdout();
    assertTrue(expected.startsWith("etterminal "), expected);
    Path kept = CACHE.resolveSibling("etterminal.aot.kept");
    boolean hadCache = Files.exists(CACHE);
    if (hadCache) {
      Files.move(CACHE, kept, StandardCopyOption.REPLACE_EXISTING);
    }
    try {
      byte[] garbage = new byte[1 << 16];
      new Random(1).nextBytes(garbage);
      Files.write(CACHE, garbage);
      CommandResult result = Commands.run(version, TIMEOUT);
      assertEquals(0, result.status(), result.toString());
      assertEquals(expected, result.stdout(), "stdout holds the answer alone");
      assertEquals("", result.stderr(), "and nothing is said about the cache");
    } finally {
      Files.deleteIfExists(CACHE);
      if (hadCache) {
        Files.move(kept, CACHE);
      }
    }
  }
}
