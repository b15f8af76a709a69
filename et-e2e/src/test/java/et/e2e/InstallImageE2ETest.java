package et.e2e;

import static et.e2e.RemoteHost.PROMPT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.CapturedOutput;
import et.testkit.CommandResult;
import et.testkit.Commands;
import et.testkit.Escaped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The install image of launcher/image, made once for this class from the packaged jars: its
 * commands run on its own Java runtime (no JAVA_HOME, no java on PATH), a whole session runs
 * through it on both ends, with its et agent too, and jdk-modules keeps up with what jdeps sees
 * the jars use.
 */
@EnabledOnOs(OS.LINUX)
class InstallImageE2ETest {
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  /** What a PATH without java looks like on most machines (here it may hold another release). */
  private static final String PLAIN_PATH = "/usr/bin:/bin";
  /** What the image's bin scripts run besides java (env finds bash on PATH). */
  private static final List<String> SCRIPT_TOOLS = List.of("bash", "dirname", "readlink");

  @TempDir static Path base;
  private static Path image;

  @BeforeAll
  static void makeImage() {
    image = base.resolve("et-image");
    CommandResult made = Commands.check(List.of(RemoteHost.REPO.resolve("launcher/image").toString(), image.toString()), BUILD_TIMEOUT);
    System.err.println("launcher/image took " + made.elapsed().toMillis() + " ms: " + made.stdout().strip());
    assertEquals("", made.stderr(), "launcher/image says nothing on stderr when all went well");
  }

  @Test
  void etAndEtterminalRunWithoutJavaHomeOrJavaOnPathAndPrintTheLaunchersVersion() throws Exception {
    // PATH holds only the tools the bin scripts use: no java can be found there, whatever the
    // machine (/usr/bin may hold one, of another release or not).
    Path tools = Files.createDirectories(base.resolve("tools"));
    for (String tool : SCRIPT_TOOLS) {
      String found = Commands.check(List.of("/bin/sh", "-c", "command -v " + tool), TIMEOUT).stdout().strip();
      Files.createSymbolicLink(tools.resolve(tool), Path.of(found));
    }
    try {
      for (String command : List.of("et", "etterminal")) {
        assertPrintsTheLaunchersVersion(command, tools);
      }
    } finally {
      // Links out of the temporary directory: JUnit would warn about deleting them.
      for (String tool : SCRIPT_TOOLS) {
        Files.deleteIfExists(tools.resolve(tool));
      }
    }
  }

  /** The image's bin/{@code command} in an environment of PATH={@code tools} alone says what launcher/{@code command} says. */
  private static void assertPrintsTheLaunchersVersion(String command, Path tools) {
    String expected = Commands.check(List.of(RemoteHost.REPO.resolve("launcher/" + command).toString(), "--version"), TIMEOUT).stdout();
    CommandResult result = Commands.run(
        List.of("/usr/bin/env", "-i", "PATH=" + tools, "HOME=" + base, image.resolve("bin/" + command).toString(), "--version"),
        TIMEOUT);
    assertEquals(0, result.status(), result.toString());
    assertEquals(expected, result.stdout(), command + " --version");
    assertEquals("", result.stderr(), command + " --version");
  }

  @Test
  void aSessionRunsThroughTheImageOnBothEndsAndEndsWithTheShellsStatus() throws Exception {
    Path hostBase = Files.createDirectories(base.resolve("host"));
    try (RemoteHost host = RemoteHost.start(hostBase, image.resolve("bin/etterminal"))) {
      // On the server, the sandbox's wrapper runs with neither JAVA_HOME nor a JDK 25 on PATH.
      Path terminal = hostBase.resolve("etterminal-plain");
      Files.writeString(terminal, "#!/bin/sh\nunset JAVA_HOME ET_JAVA\nexport PATH=" + PLAIN_PATH + "\nexec '" + host.wrapper() + "' \"$@\"\n");
      Files.setPosixFilePermissions(terminal, PosixFilePermissions.fromString("rwx------"));
      List<String> et = List.of("/usr/bin/env", "-u", "JAVA_HOME", "-u", "ET_JAVA", "PATH=" + PLAIN_PATH, image.resolve("bin/et").toString());
      try (PtyEt pty = PtyEt.start(host.etCommandBy(et, terminal.toString()), hostBase, 80, 24)) {
        CapturedOutput screen = pty.screen();
        int at = screen.await(PROMPT, 0, DEADLINE);
        pty.type("echo IMAGE$((40+2))\r");
        screen.await(PROMPT, screen.await("IMAGE42\r\n", at, DEADLINE), DEADLINE);
        // The session host is the image's bin/et-host, on the image's runtime.
        String hostJava = host.sessionHost().orElseThrow().info().command().orElse("?");
        assertEquals(image.resolve("runtime/bin/java").toString(), hostJava, "the session host's executable");
        pty.type("exit 7\r");
        assertEquals(7, pty.awaitEnding(DEADLINE).status(), Escaped.of(screen.since(0)));
        // A module the image lacks, or native access not granted, would show as a JVM warning.
        assertFalse(screen.since(0).contains("WARNING:"), Escaped.of(screen.since(0)));
      }
    }
  }

  @Test
  void theImagesAgentRunsTheSessionOfTheImagesEtAndStops() throws Exception {
    Path hostBase = Files.createDirectories(base.resolve("agent-host"));
    // As PtyEt's environment: HOME is hostBase and there is no XDG_RUNTIME_DIR, so the socket is in ~/.et.
    List<String> agent = List.of("/usr/bin/env", "-u", "XDG_RUNTIME_DIR", "-u", "JAVA_HOME", "-u", "ET_JAVA",
        "HOME=" + hostBase, "PATH=" + PLAIN_PATH, image.resolve("bin/et-agent").toString());
    Path socket = hostBase.resolve(".et").resolve("agent.sock");
    try (RemoteHost host = RemoteHost.start(hostBase, image.resolve("bin/etterminal"))) {
      CommandResult started = Commands.run(agent, DEADLINE);
      assertEquals("et-agent: serving on " + socket + "\n", started.stdout(), started.toString());
      List<String> et = List.of("/usr/bin/env", "-u", "JAVA_HOME", "-u", "ET_JAVA", "PATH=" + PLAIN_PATH, image.resolve("bin/et").toString());
      try (PtyEt pty = PtyEt.start(host.etCommandBy(et, host.wrapper().toString()), hostBase, 80, 24)) {
        CapturedOutput screen = pty.screen();
        int at = screen.await(PROMPT, 0, DEADLINE);
        // The et on the terminal is the thin client, on the image's runtime; the agent runs the session.
        List<ProcessHandle> thin = pty.processesWith("et.client.thin.ThinClient");
        assertEquals(1, thin.size(), "one thin client under the terminal's shell");
        assertEquals(image.resolve("runtime/bin/java").toString(), thin.getFirst().info().command().orElse("?"));
        pty.type("echo AGENT$((40+2))\r");
        screen.await(PROMPT, screen.await("AGENT42\r\n", at, DEADLINE), DEADLINE);
        pty.type("exit 7\r");
        assertEquals(7, pty.awaitEnding(DEADLINE).status(), Escaped.of(screen.since(0)));
      }
      assertTrue(Files.readString(hostBase.resolve(".et").resolve("agent.log")).contains("et agent: an et on /dev/pts/"),
          "the agent's log names the et it served");
    } finally {
      Commands.run(with(agent, "--stop"), DEADLINE);
    }
    CommandResult status = Commands.run(with(agent, "--status"), DEADLINE);
    assertEquals("et-agent: not running\n", status.stdout(), status.toString());
  }

  private static List<String> with(List<String> command, String option) {
    List<String> longer = new ArrayList<>(command);
    longer.add(option);
    return longer;
  }

  @Test
  void jdkModulesListsEveryModuleJdepsFindsAndSaysWhyOfEachOther() throws Exception {
    List<String> lines = Files.readAllLines(RemoteHost.REPO.resolve("jdk-modules"));
    Set<String> needed = new TreeSet<>();
    for (String side : List.of("et-client", "et-server")) {
      needed.addAll(jdepsModules(side));
    }
    Set<String> listed = new TreeSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      listed.add(line);
      boolean explained = i > 0 && lines.get(i - 1).startsWith("#");
      assertTrue(needed.contains(line) || explained, line + " is listed though jdeps does not see it used: say why in a comment above it");
    }
    Set<String> missing = new TreeSet<>(needed);
    missing.removeAll(listed);
    assertEquals(Set.of(), missing, "modules jdeps finds used that jdk-modules lacks");
  }

  /** The JDK modules jdeps finds used by module {@code side}'s jar and its target/lib, as jdk-modules' header says. */
  private static List<String> jdepsModules(String side) throws IOException {
    Path target = RemoteHost.REPO.resolve(side).resolve("target");
    Path jar;
    try (var jars = Files.list(target)) {
      jar = jars.filter(p -> p.getFileName().toString().matches(Pattern.quote(side) + "-[^-]+(-SNAPSHOT)?\\.jar"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException(side + " is not packaged: run mvn -B verify (or package)"));
    }
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "jdeps").toString(),
        "--multi-release", "25", "--print-module-deps", "--ignore-missing-deps",
        "--module-path", jar + ":" + target.resolve("lib"), jar.toString()));
    try (var libs = Files.list(target.resolve("lib"))) {
      libs.map(Path::toString).filter(p -> p.endsWith(".jar")).sorted().forEach(command::add);
    }
    String out = Commands.check(command, TIMEOUT).stdout().strip();
    String last = out.substring(out.lastIndexOf('\n') + 1);
    return Arrays.stream(last.split(",")).map(String::strip).toList();
  }
}
