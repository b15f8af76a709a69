package et.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.CommandResult;
import et.testkit.Commands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each launcher of the source tree runs through a symbolic link elsewhere (~/bin/et, say): it
 * finds lib.sh and the build beside the script the link names, not beside the link.
 */
class LauncherLinkTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @ParameterizedTest
  @CsvSource({
    "et, --version, et ",
    "etterminal, --version, etterminal ",
    "et-host, --help, usage: et-host",
    "et-agent, --help, et-agent: the user's et agent"
  })
  void runsThroughALink(String launcher, String option, String expected, @TempDir Path elsewhere) throws Exception {
    Path link = Files.createSymbolicLink(elsewhere.resolve(launcher), RemoteHost.REPO.resolve("launcher").resolve(launcher));

    CommandResult result = Commands.run(List.of(link.toString(), option), TIMEOUT);

    assertEquals(0, result.status(), result.toString());
    assertTrue(result.stdout().startsWith(expected), result.toString());
  }
}
