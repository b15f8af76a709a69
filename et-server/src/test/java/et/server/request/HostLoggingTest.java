package et.server.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The logs are capped however much is logged. */
class HostLoggingTest {
  private static final long FILE_LIMIT = 4L << 20;

  @TempDir Path dir;

  /** 14 MiB logged by a host process: at most three files of 4 MiB, host.log naming the newest. */
  @Test
  void theHostsLogRollsOverAndKeepsThreeFiles() throws Exception {
    int lines = 14 * 1024;
    String output = probe(dir, lines);
    assertTrue(output.contains("logged " + lines + " lines"), output);

    List<Path> rolled = rolledFiles();
    assertEquals(HostLogging.HOST_LOG_FILES, rolled.size(), "files: " + rolled);
    long line = 1100;
    for (Path file : rolled) {
      assertTrue(Files.size(file) <= FILE_LIMIT + line, file + " holds " + Files.size(file) + " bytes");
    }
    List<String> latest = Files.readAllLines(dir.resolve("host.log"));
    assertTrue(latest.getLast().contains("line " + lines + " "), "host.log ends with the last line logged");
    assertTrue(Files.isSameFile(dir.resolve("host.log"), rolled.getLast()), "host.log is the newest file");
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
  }

  /** A full disk fails the log's writes, never the process that logs (a host goes on serving). */
  @Test
  void aFullDiskDoesNotStopAProcessThatLogs() throws Exception {
    Path small = dir.resolve("small");
    Files.createDirectory(small);
    List<String> mount = List.of("mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", small.toString());
    Process mounting = new ProcessBuilder(mount).redirectErrorStream(true).start();
    String why = new String(mounting.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assumeTrue(mounting.waitFor() == 0, "cannot mount a small tmpfs here (needs root): " + why);
    try {
      int lines = 2048; // 2 MiB into 256 KiB
      String output = probe(small, lines);
      assertTrue(output.contains("logged " + lines + " lines"), output);
    } finally {
      new ProcessBuilder("umount", small.toString()).inheritIO().start().waitFor();
    }
  }

  /** Runs {@link HostLogProbe} logging {@code lines} into {@code directory}; its output, once it exited 0. */
  private static String probe(Path directory, int lines) throws Exception {
    Process probe = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"),
            HostLogProbe.class.getName(), directory.toString(), Integer.toString(lines))
        .redirectErrorStream(true)
        .start();
    String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(probe.waitFor(60, TimeUnit.SECONDS), "the probe ended");
    assertEquals(0, probe.exitValue(), output);
    return output;
  }

  @Test
  void etterminalsLogIsMovedAsideOnceItIsOverItsLimit() throws IOException {
    Path log = dir.resolve("etterminal.log");
    Files.write(log, new byte[(int) HostLogging.TERMINAL_LOG_BYTES]);
    HostLogging.terminalToFile(log, "info");
    assertEquals(HostLogging.TERMINAL_LOG_BYTES, Files.size(log), "at the limit: kept");

    Files.write(log, new byte[1], StandardOpenOption.APPEND);
    HostLogging.terminalToFile(log, "info");
    assertEquals(0, Files.size(log), "over it: a fresh file");
    assertEquals(HostLogging.TERMINAL_LOG_BYTES + 1, Files.size(dir.resolve("etterminal.log.1")));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
  }

  /** host.<n>.log, oldest first. */
  private List<Path> rolledFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(file -> file.getFileName().toString().matches("host\\.\\d+\\.log"))
          .sorted((a, b) -> Integer.compare(count(a), count(b)))
          .toList();
    }
  }

  private static int count(Path file) {
    String name = file.getFileName().toString();
    return Integer.parseInt(name.substring("host.".length(), name.length() - ".log".length()));
  }
}
