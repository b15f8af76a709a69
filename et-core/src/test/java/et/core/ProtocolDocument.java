package et.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docs/PROTOCOL.md as data: its named hex blocks (```hex name=…) and its markdown tables, found by
 * their header row. Knows nothing about et itself; the test compares what it reads with the code.
 */
final class ProtocolDocument {
  private static final Path RELATIVE = Path.of("docs", "PROTOCOL.md");
  private static final Pattern HEX_FENCE = Pattern.compile("^```hex\\s+name=([a-z0-9-]+)\\s*$");

  private final Path path;
  private final List<String> lines;

  private ProtocolDocument(Path path, List<String> lines) {
    this.path = path;
    this.lines = lines;
  }

  /**
   * Reads the document. Maven runs tests with the module directory as working directory, so the
   * file is at {@code ../docs/PROTOCOL.md}; the search goes up a few directories so an IDE started
   * at the repository root finds it too.
   */
  static ProtocolDocument load() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (int up = 0; up < 4 && dir != null; up++, dir = dir.getParent()) {
      Path candidate = dir.resolve(RELATIVE);
      if (Files.isRegularFile(candidate)) {
        try {
          return new ProtocolDocument(candidate, Files.readAllLines(candidate, StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    throw new IllegalStateException(RELATIVE + " not found from " + System.getProperty("user.dir"));
  }

  Path path() {
    return path;
  }

  /**
   * Every ```hex name=… block, by name, in document order. Within a block {@code #} starts a
   * comment and whitespace is ignored.
   */
  Map<String, byte[]> hexBlocks() {
    Map<String, byte[]> blocks = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher fence = HEX_FENCE.matcher(lines.get(i).strip());
      if (!fence.matches()) {
        continue;
      }
      StringBuilder digits = new StringBuilder();
      int j = i + 1;
      while (j < lines.size() && !lines.get(j).strip().equals("```")) {
        String line = lines.get(j);
        int comment = line.indexOf('#');
        digits.append((comment < 0 ? line : line.substring(0, comment)).replaceAll("\\s", ""));
        j++;
      }
      if (j == lines.size()) {
        throw new IllegalStateException("hex block " + fence.group(1) + " is not closed");
      }
      if (blocks.put(fence.group(1), HexFormat.of().parseHex(digits)) != null) {
        throw new IllegalStateException("two hex blocks named " + fence.group(1));
      }
      i = j;
    }
    return blocks;
  }

  /** The named hex block; fails when the document lacks it. */
  byte[] hex(String name) {
    byte[] bytes = hexBlocks().get(name);
    if (bytes == null) {
      throw new IllegalStateException("no ```hex name=" + name + " block in " + path);
    }
    return bytes;
  }

  /**
   * The rows of the table whose header cells are exactly {@code header}, each row as its trimmed
   * cells with surrounding backticks removed. Fails unless exactly one such table exists.
   */
  List<List<String>> table(String... header) {
    List<String> wanted = Arrays.asList(header);
    List<List<String>> rows = null;
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).strip().startsWith("|") || !cells(lines.get(i)).equals(wanted)) {
        continue;
      }
      if (rows != null) {
        throw new IllegalStateException("two tables headed " + wanted);
      }
      rows = new ArrayList<>();
      // i + 1 is the |---| separator row.
      for (int j = i + 2; j < lines.size() && lines.get(j).strip().startsWith("|"); j++) {
        List<String> row = cells(lines.get(j));
        if (row.size() != header.length) {
          throw new IllegalStateException("row with " + row.size() + " cells: " + lines.get(j));
        }
        rows.add(row);
      }
    }
    if (rows == null) {
      throw new IllegalStateException("no table headed " + wanted + " in " + path);
    }
    return rows;
  }

  private static List<String> cells(String line) {
    String body = line.strip();
    body = body.substring(1, body.endsWith("|") ? body.length() - 1 : body.length());
    List<String> cells = new ArrayList<>();
    for (String cell : body.split("\\|", -1)) {
      String trimmed = cell.strip();
      if (trimmed.length() >= 2 && trimmed.startsWith("`") && trimmed.endsWith("`")) {
        trimmed = trimmed.substring(1, trimmed.length() - 1);
      }
      cells.add(trimmed);
    }
    return cells;
  }
}
