package et.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import et.server.process.CommandSpec;
import et.terminal.BootstrapNonce;
import et.terminal.BootstrapRequest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a session runs with: of the request's environment only the locale, COLORTERM and what the host accepts. */
class SessionCommandTest {
  @Test
  void aRequestSetsItsLocaleAndColoursButNeverThePathOrPreloads() {
    SequencedMap<String, String> env = new LinkedHashMap<>();
    env.put("LANG", "de_DE.UTF-8");
    env.put("LC_TIME", "en_GB.UTF-8");
    env.put("COLORTERM", "truecolor");
    env.put("PATH", "/tmp/evil");
    env.put("LD_PRELOAD", "/tmp/evil.so");
    env.put("BASH_ENV", "/tmp/evil.sh");
    env.put("DISPLAY", ":1");
    BootstrapRequest request = new BootstrapRequest(BootstrapNonce.random(), "xterm", 80, 24, Optional.empty(), false, env);
    Path home = Path.of("/home/someone");
    for (CommandSpec spec : new CommandSpec[] {SessionCommand.forTerminal(request, home, AcceptedEnvironment.defaults()),
        SessionCommand.forPipes(request, home, AcceptedEnvironment.defaults())}) {
      assertEquals(Map.of("HOME", "/home/someone", "LANG", "de_DE.UTF-8", "LC_TIME", "en_GB.UTF-8", "COLORTERM", "truecolor"),
          spec.environment());
      assertEquals(CommandSpec.DEFAULT_PATH, spec.fullEnvironment().get("PATH"));
    }
  }

  @Test
  void theHostsAcceptEnvAddsNamesAndPrefixes() {
    SequencedMap<String, String> env = new LinkedHashMap<>();
    env.put("EDITOR", "vi");
    env.put("GIT_AUTHOR_NAME", "A");
    env.put("GITX", "no");
    env.put("LANG", "C.UTF-8");
    env.put("PATH", "/tmp/evil");
    BootstrapRequest request = new BootstrapRequest(BootstrapNonce.random(), "xterm", 80, 24, Optional.empty(), false, env);
    CommandSpec spec = SessionCommand.forPipes(request, Path.of("/h"), AcceptedEnvironment.parse("EDITOR GIT_*"));
    assertEquals(Map.of("HOME", "/h", "EDITOR", "vi", "GIT_AUTHOR_NAME", "A", "LANG", "C.UTF-8"), spec.environment());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "LD_PRELOAD | LD_PRELOAD may not be accepted: LD_* is set by the session host or changes what code runs",
      "L*         | L* may not be accepted: LOGNAME is set by the session host or changes what code runs",
      "PATH       | PATH may not be accepted: PATH is set by the session host or changes what code runs",
      "BASH_FUNC_x%% | \"BASH_FUNC_x%%\" is not a variable name or a prefix ending in *",
      "*          | \"*\" is not a variable name or a prefix ending in *",
      "A*B        | \"A*B\" is not a variable name or a prefix ending in *",
  })
  void acceptEnvRefusesWhatTheHostSetsOrWhatChangesTheCodeThatRuns(String entry, String message) {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> AcceptedEnvironment.parse(entry));
    assertEquals(message, refused.getMessage());
  }
}
