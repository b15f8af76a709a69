package et.core.testing;

import et.testkit.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.tinylog.Logger;

/**
 * The lines the tests' tinylog file writer (writer2 in tinylog.properties) wrote after a mark:
 * lets a test assert that the code under test logged a reason, without a custom writer. Several
 * tests share the file, so each reads only past its own mark.
 */
public final class LogTail {
  /** Where writer2 writes, relative to the module directory surefire runs in. */
  public static final Path FILE = Path.of("target", "et-test.log");

  private final long start;

  private LogTail(long start) {
    this.start = start;
  }

  /**
   * Marks the current end of the log; later lines belong to this tail. Logs a marker line and
   * starts after it, which also makes tinylog start (and truncate the file) before the mark is
   * taken, so the first test of a run does not mark a stale file's end.
   */
  public static LogTail mark() {
    String marker = "log mark " + UUID.randomUUID();
    Logger.info(marker);
    try {
      byte[] content = Files.exists(FILE) ? Files.readAllBytes(FILE) : new byte[0];
      String text = new String(content, StandardCharsets.ISO_8859_1); // one char per byte
      int at = text.lastIndexOf(marker);
      if (at < 0) {
        throw new AssertionError(
            "tinylog did not write the marker to " + FILE.toAbsolutePath() + ": is writer2 configured?");
      }
      int lineEnd = text.indexOf('\n', at);
      return new LogTail(lineEnd < 0 ? content.length : lineEnd + 1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every complete line written since the mark. */
  public List<String> lines() {
    if (!Files.exists(FILE)) {
      return List.of();
    }
    try (SeekableByteChannel channel = Files.newByteChannel(FILE)) {
      long size = channel.size();
      if (size <= start) {
        return List.of();
      }
      var buffer = java.nio.ByteBuffer.allocate(Math.toIntExact(size - start));
      channel.position(start);
      while (buffer.hasRemaining() && channel.read(buffer) > 0) {
        // read until the snapshot of the file is in
      }
      String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
      int lastNewline = text.lastIndexOf('\n');
      if (lastNewline < 0) {
        return List.of();
      }
      return Arrays.asList(text.substring(0, lastNewline).split("\n"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Lines since the mark that contain every one of {@code fragments}. */
  public List<String> linesWith(String... fragments) {
    return lines().stream().filter(containsAll(fragments)).toList();
  }

  /** Waits until a line containing every one of {@code fragments} appears; returns it. */
  public String awaitLine(Duration timeout, String... fragments) {
    Await.until(
        "a log line containing " + Arrays.toString(fragments),
        timeout,
        () -> !linesWith(fragments).isEmpty(),
        () -> "in " + FILE.toAbsolutePath() + "; lines since the mark:\n  " + String.join("\n  ", lines()));
    return linesWith(fragments).getFirst();
  }

  /** Waits until a line in which {@code regex} is found appears; returns it. */
  public String awaitMatch(Duration timeout, String regex) {
    Pattern pattern = Pattern.compile(regex);
    Predicate<String> matches = line -> pattern.matcher(line).find();
    Await.until(
        "a log line matching /" + regex + "/",
        timeout,
        () -> lines().stream().anyMatch(matches),
        () -> "in " + FILE.toAbsolutePath() + "; lines since the mark:\n  " + String.join("\n  ", lines()));
    return lines().stream().filter(matches).findFirst().orElseThrow();
  }

  private static Predicate<String> containsAll(String... fragments) {
    return line -> Arrays.stream(fragments).allMatch(line::contains);
  }
}
