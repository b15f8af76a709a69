package et.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package layers of docs/ARCHITECTURE.md, read off the shipped modules' sources: every import
 * of another et package is one the table below allows, so dependencies point one way (JPMS keeps
 * the modules apart; inside a module only this test does).
 */
class ArchitectureTest {
  /** For each package, the et packages it may import from. */
  private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
      Map.entry("et.core.crypto", Set.of()),
      Map.entry("et.core.task", Set.of()),
      Map.entry("et.core.wire", Set.of("et.core.crypto")),
      Map.entry("et.core.transport", Set.of()),
      Map.entry("et.core.resume", Set.of("et.core.crypto", "et.core.wire", "et.core.task", "et.core.transport")),
      Map.entry("et.core.relay", Set.of("et.core.crypto", "et.core.wire", "et.core.resume", "et.core.task",
          "et.core.transport", "et.core.SessionCredentials", "et.core.SessionId")),
      // The one way up: the sink the application implements, which the channel layer feeds.
      Map.entry("et.core.channel", Set.of("et.core.wire", "et.core.resume", "et.core.ChannelSink")),
      Map.entry("et.core", Set.of("et.core.crypto", "et.core.wire", "et.core.resume", "et.core.channel", "et.core.task",
          "et.core.relay", "et.core.transport")),
      Map.entry("et.core.warmup", Set.of("et.core", "et.core.resume", "et.core.task")),
      Map.entry("et.terminal", Set.of("et.core", "et.core.task")),
      Map.entry("et.terminal.forward", Set.of("et.core", "et.core.task", "et.terminal")),
      Map.entry("et.client.cli", Set.of("et.core", "et.terminal", "et.terminal.forward")),
      Map.entry("et.client.term", Set.of("et.core", "et.core.task", "et.terminal")),
      // The thin client's JVM loads java.base alone: it imports nothing of et.
      Map.entry("et.client.thin", Set.of()),
      Map.entry("et.client", Set.of("et.core", "et.core.task", "et.core.warmup", "et.core.relay", "et.core.transport", "et.terminal", "et.terminal.forward",
          "et.client.cli", "et.client.term", "et.client.thin")),
      Map.entry("et.server.process", Set.of()),
      Map.entry("et.server.pty", Set.of("et.core", "et.core.task", "et.server.process")),
      Map.entry("et.server.session", Set.of("et.core", "et.core.task", "et.terminal", "et.terminal.forward", "et.server.process",
          "et.server.pty")),
      Map.entry("et.server.request", Set.of("et.core.task", "et.terminal")),
      Map.entry("et.server.host", Set.of("et.core", "et.core.task", "et.core.relay", "et.terminal", "et.server.request", "et.server.session")),
      Map.entry("et.server", Set.of("et.core", "et.core.task", "et.core.warmup", "et.terminal", "et.server.host",
          "et.server.request", "et.server.session", "et.server.pty", "et.server.process")));

  private static final List<String> MODULES = List.of("et-core", "et-terminal", "et-client", "et-server");
  private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(et\\.[a-z.]+)\\.([A-Z]\\w*)", Pattern.MULTILINE);

  @Test
  void everyImportOfAnotherEtPackageFollowsTheLayers() throws IOException {
    Path root = Path.of(System.getProperty("user.dir")).getParent();
    Set<String> violations = new TreeSet<>();
    Set<String> packagesSeen = new TreeSet<>();
    for (String module : MODULES) {
      try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src/main/java"))) {
        files.filter(f -> f.toString().endsWith(".java") && !f.endsWith("module-info.java")).forEach(file -> {
          String source = read(file);
          Matcher pkg = PACKAGE.matcher(source);
          assertTrue(pkg.find(), file + " has no package");
          String from = pkg.group(1);
          packagesSeen.add(from);
          Set<String> allowed = ALLOWED.get(from);
          if (allowed == null) {
            violations.add(from + " is not in the table (" + root.relativize(file) + ")");
            return;
          }
          Matcher imports = IMPORT.matcher(source);
          while (imports.find()) {
            String to = imports.group(1);
            if (!to.equals(from) && !allowed.contains(to) && !allowed.contains(to + "." + imports.group(2))) {
              violations.add(root.relativize(file) + " imports " + to + "." + imports.group(2));
            }
          }
        });
      }
    }
    assertEquals(Set.of(), violations, "imports against docs/ARCHITECTURE.md's layers");
    assertEquals(new TreeSet<>(ALLOWED.keySet()), packagesSeen, "the table names exactly the shipped packages");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
