package et.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.CommandResult;
import et.testkit.Commands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The etterminal launchers' first contact (launcher/image-files/lib/first-contact.sh) run by bash
 * as the launchers run it, with a stand-in session host (a shell script) in place of et-host, so
 * that what the script passes on and what it makes of the host's frame can be seen. The real host
 * behind it: {@code EtterminalOverSshTest}.
 */
class FirstContactScriptTest {
  private static final Path SCRIPT =
      Path.of("").toAbsolutePath().getParent().resolve("launcher/image-files/lib/first-contact.sh");
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String REQUEST = "ET1 LIST nonce=0123456789abcdef0123456789abcdef\n";

  @TempDir Path base;
  private Path home;
  private Path host;

  @BeforeEach
  void makeHome() throws IOException {
    home = Files.createDirectories(base.resolve("home"));
    host = base.resolve("et-host");
  }

  /** The stand-in host's script body; it is run with sh. */
  private void hostDoes(String body) throws IOException {
    Files.writeString(host, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(host, PosixFilePermissions.fromString("rwx------"));
  }

  /** A launcher that sources the script, calls it with {@code args}, and else says it would run etterminal's JVM. */
  private CommandResult launcher(List<String> environment, String... args) {
    List<String> command = new ArrayList<>(List.of("/usr/bin/env", "-i", "PATH=/usr/bin:/bin", "HOME=" + home,
        "XDG_RUNTIME_DIR=" + base.resolve("run"), "SSH_CONNECTION=10.0.0.1 1 10.0.0.2 22"));
    command.addAll(environment);
    command.addAll(List.of("bash", "-c",
        "set -euo pipefail; source \"$0\"; et_first_contact \"$@\"; echo \"etterminal's JVM\"",
        SCRIPT.toString(), host.toString()));
    command.addAll(List.of(args));
    return Commands.run(command, REQUEST.getBytes(StandardCharsets.US_ASCII), TIMEOUT);
  }

  @Test
  void theHostAnswersWithTheRequestFromStdinAndItsFrameIsPrintedWhereEtterminalWouldHave() throws Exception {
    hostDoes("""
        IFS= read -r request
        echo 'a warning the JVM printed'
        echo 'et-first-contact 3'
        echo "ET1 SESSIONS answering: $request"
        echo "etterminal: args $* cwd $(pwd) arena $MALLOC_ARENA_MAX ssh ${SSH_CONNECTION:-none}"
        """);

    CommandResult result = launcher(List.of("ET_HOST_IDLE_EXIT=7"));

    assertEquals(3, result.status(), result.toString());
    assertEquals("ET1 SESSIONS answering: " + REQUEST, result.stdout(), result.toString());
    assertEquals("a warning the JVM printed\netterminal: args --first-contact --idle-exit 7 cwd " + home
        + " arena 1 ssh none\n", result.stderr(), result.toString());
  }

  @Test
  void emptyLinesOfTheFramePrintNothing() throws Exception {
    hostDoes("printf 'et-first-contact 0\\nET1 SESSIONS nonce=x total=0\\n\\n'\n");

    CommandResult result = launcher(List.of());

    assertEquals(0, result.status(), result.toString());
    assertEquals("ET1 SESSIONS nonce=x total=0\n", result.stdout(), result.toString());
    assertEquals("", result.stderr(), result.toString());
  }

  @Test
  void aHostThatEndsWithoutItsFrameIsReportedWithWhatItPrinted() throws Exception {
    hostDoes("echo 'et-host: no Java 25 found' >&2\nprintf 'and no line break' >&2\nexit 1\n");

    CommandResult result = launcher(List.of());

    assertEquals(1, result.status(), result.toString());
    assertEquals("", result.stdout(), result.toString());
    assertTrue(result.stderr().contains("et-host: no Java 25 found\nand no line break\n"), result.toString());
    assertTrue(result.stderr().contains("etterminal: the session host ended without answering"), result.toString());
  }

  @Test
  void withAHostSocketArgumentsOrAnOddIdleExitEtterminalsJvmAnswers() throws Exception {
    Path started = base.resolve("started");
    hostDoes("touch '" + started + "'\necho 'et-first-contact 0'\n");
    Path socket = Files.createDirectories(base.resolve("run/et")).resolve("host.sock");

    List<CommandResult> results = new ArrayList<>();
    results.add(launcher(List.of(), "--version"));
    results.add(launcher(List.of("ET_HOST_IDLE_EXIT=soon")));
    Files.createFile(socket);
    results.add(launcher(List.of()));

    for (CommandResult result : results) {
      assertEquals(0, result.status(), result.toString());
      assertEquals("etterminal's JVM\n", result.stdout(), result.toString());
    }
    assertFalse(Files.exists(started), "the host was started");
  }
}
