package et.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Logging as people expect it: et's -v and --log-file, the session host's --logtostdout. */
@EnabledOnOs(OS.LINUX)
class LoggingE2ETest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path base;

  @Test
  void etWritesItsLogToAPrivateFileAndItsProgressToStderr() throws Exception {
    Path log = base.resolve("et.log");
    try (RemoteHost host = RemoteHost.start(base);
        EtProcess et = EtProcess.start(host.etCommand("-v", "--log-file", log.toString(), "-c", "echo hi"))) {
      et.stdin().close();
      assertEquals("hi\n", new String(et.stdout().readAllBytes(), StandardCharsets.UTF_8));
      assertEquals(0, et.awaitExit(DEADLINE), et.stderr());
      assertTrue(et.stderr().contains("et: connecting to 127.0.0.1 port " + host.etPort()), et.stderr());

      String logged = Files.readString(log);
      assertTrue(logged.contains(" et[") && logged.contains(" INFO ") && logged.contains("connected via"), logged);
      assertFalse(logged.contains("secret"), "no secret in the log: " + logged);
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
    }
  }

  /**
   * -vv logs the start's timeline (bench/terminal.sh start reads it): every step once, in order,
   * with ssh started before the local set-up that used to come before it.
   */
  @Test
  void debugLoggingHasTheStartTimelineWithSshStartedFirst() throws Exception {
    Path log = base.resolve("et.log");
    try (RemoteHost host = RemoteHost.start(base);
        EtProcess et = EtProcess.start(host.etCommand("-vv", "--log-file", log.toString(), "-c", "true"))) {
      et.stdin().close();
      assertEquals(0, et.awaitExit(DEADLINE), et.stderr());
    }
    String logged = Files.readString(log);
    String line = logged.lines()
        .filter(l -> l.contains("start timeline (ms since the process began): ")).findFirst()
        .orElseThrow(() -> new AssertionError("no start timeline in " + logged));
    List<String> steps = new ArrayList<>();
    long previous = 0;
    for (String mark : line.substring(line.indexOf("began): ") + "began): ".length()).split(", ")) {
      int space = mark.lastIndexOf(' ');
      long at = Long.parseLong(mark.substring(space + 1));
      assertTrue(at >= previous, "steps in time order: " + line);
      previous = at;
      steps.add(mark.substring(0, space));
    }
    assertEquals(List.of("main", "streams", "options", "logging", "ssh started", "terminal", "ssh -G", "answer", "connected", "ended"),
        steps, line);
  }

  @Test
  void theSessionHostLogsToStdoutWithLogtostdout() throws Exception {
    Path home = Files.createDirectories(base.resolve("home"));
    Path runtime = Files.createDirectory(base.resolve("xdg"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    ProcessBuilder builder = new ProcessBuilder(
        List.of(RemoteHost.REPO.resolve("launcher/et-host").toString(), "--logtostdout", "-v", "--port", "0",
            "--idle-exit", "1"))
        .redirectErrorStream(true);
    builder.environment().putAll(Map.of("HOME", home.toString(), "XDG_RUNTIME_DIR", runtime.toString()));
    Process hostProcess = builder.start();
    String out = new String(hostProcess.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(hostProcess.waitFor(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS), out);
    assertEquals(0, hostProcess.exitValue(), out);
    assertTrue(out.contains(" host[") && out.contains(" INFO "), "the host's log on stdout: " + out);
    assertFalse(Files.exists(home.resolve(".et/log/host.log")), "and not in the host log");
  }
}
