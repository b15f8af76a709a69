package et.terminal;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SequencedMap;

/**
 * The grammar shared by every bootstrap line: {@code ET1 <KIND>( <key>=<value>)*}, printable ASCII
 * separated by single spaces, at most {@link #MAX_LINE_BYTES} bytes. Splits a line into its kind and
 * fields and checks the structural caps (line length first, then characters, then which keys appear
 * how often) before any value is decoded; the request and reply parsers then check the values.
 */
final class BootstrapLine {
  static final String PREFIX = "ET1 ";
  /** A bootstrap line, without its line terminator, is at most 64 KiB. */
  static final int MAX_LINE_BYTES = 64 * 1024;

  /** One {@code key=value} field; the value is still percent-encoded. */
  record Field(String key, String value) {}

  /** A line split into its kind and its fields, in line order. */
  record Split(String kind, List<Field> fields) {}

  private BootstrapLine() {}

  static Split split(String line) throws BootstrapException {
    // The length before anything else, so nothing below ever walks a huge line.
    if (line.length() > MAX_LINE_BYTES) {
      throw new BootstrapException(
          "line is " + line.length() + " characters long, more than " + MAX_LINE_BYTES);
    }
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c != ' ' && (c < 0x21 || c > 0x7e)) {
        throw new BootstrapException(
            "line has a control or non-ASCII character " + Shown.value(String.valueOf(c)) + " at index " + i);
      }
    }
    // From here on the line is printable ASCII, so its length in characters is its length in bytes.
    if (!line.startsWith(PREFIX)) {
      throw new BootstrapException("line does not start with \"" + PREFIX + "\": " + Shown.value(line));
    }
    String[] tokens = line.split(" ", -1);
    String kind = tokens[1];
    if (!kind.matches("[A-Z]+")) {
      throw new BootstrapException("line kind must be upper-case letters: " + Shown.value(kind));
    }
    List<Field> fields = new ArrayList<>(tokens.length - 2);
    for (int i = 2; i < tokens.length; i++) {
      String token = tokens[i];
      int equals = token.indexOf('=');
      if (token.isEmpty()) {
        throw new BootstrapException("line has an empty field (two spaces in a row or a trailing space)");
      }
      if (equals <= 0) {
        // Not shown: in a reply, a stray token might be the secret.
        throw new BootstrapException("field " + (i - 1) + " is not key=value (" + token.length() + " characters)");
      }
      fields.add(new Field(token.substring(0, equals), token.substring(equals + 1)));
    }
    return new Split(kind, fields);
  }

  /**
   * The fields' encoded values grouped by key (keys in {@code maxCounts} order of first appearance).
   * Refuses a key not in {@code maxCounts}, a key seen more often than its count, and a key of
   * {@code required} that is missing: all before a single value is decoded.
   */
  static Map<String, List<String>> group(
      Split split, Map<String, Integer> maxCounts, List<String> required) throws BootstrapException {
    SequencedMap<String, List<String>> grouped = new LinkedHashMap<>();
    for (Field field : split.fields()) {
      Integer max = maxCounts.get(field.key());
      if (max == null) {
        throw new BootstrapException(
            "unknown field " + Shown.value(field.key()) + " in an ET1 " + split.kind() + " line");
      }
      List<String> values = grouped.computeIfAbsent(field.key(), key -> new ArrayList<>());
      if (values.size() == max) {
        throw new BootstrapException(
            max == 1
                ? field.key() + " appears more than once"
                : "more than " + max + " " + field.key() + " fields");
      }
      values.add(field.value());
    }
    for (String key : required) {
      if (!grouped.containsKey(key)) {
        throw new BootstrapException("missing field " + key + " in an ET1 " + split.kind() + " line");
      }
    }
    return grouped;
  }

  /** Refuses a line of another kind than {@code kind}. */
  static void expectKind(Split split, String kind) throws BootstrapException {
    if (!split.kind().equals(kind)) {
      throw new BootstrapException("expected an ET1 " + kind + " line, got ET1 " + Shown.value(split.kind()));
    }
  }

  /** A decimal number in {@code 0..max}, written without sign or leading zeros. */
  static long longNumber(String field, String value, long max) throws BootstrapException {
    // At most 18 digits before parsing, so parseLong never overflows.
    if (!value.matches("0|[1-9][0-9]{0,17}")) {
      throw new BootstrapException(field + " must be a decimal number in 0.." + max + ": " + Shown.value(value));
    }
    long number = Long.parseLong(value);
    if (number > max) {
      throw new BootstrapException(field + " must be in 0.." + max + ": " + number);
    }
    return number;
  }

  /** A decimal number in {@code min..max}, written without sign or leading zeros. */
  static int number(String field, String value, int min, int max) throws BootstrapException {
    // At most 9 digits before parsing, so parseInt never overflows.
    if (!value.matches("0|[1-9][0-9]{0,8}")) {
      throw new BootstrapException(
          field + " must be a decimal number in " + min + ".." + max + ": " + Shown.value(value));
    }
    int number = Integer.parseInt(value);
    if (number < min || number > max) {
      throw new BootstrapException(field + " must be in " + min + ".." + max + ": " + number);
    }
    return number;
  }

  /** Exactly {@code bytes} bytes written as {@code 2 * bytes} hex digits of either case. */
  static byte[] hex(String field, String value, int bytes) throws BootstrapException {
    return HexFormat.of().parseHex(hexDigits(field, value, bytes));
  }

  /** {@code value} when it is {@code 2 * bytes} hex digits, in lower case. */
  static String hexDigits(String field, String value, int bytes) throws BootstrapException {
    if (value.length() != 2 * bytes || !value.matches("[0-9a-fA-F]*")) {
      throw new BootstrapException(field + " must be " + 2 * bytes + " hex digits: " + Shown.value(value));
    }
    return value.toLowerCase(Locale.ROOT);
  }
}
