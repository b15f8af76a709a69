package et.terminal;

/**
 * How an untrusted value appears in an error message: quoted, control and non-ASCII characters
 * escaped as {@code \\uXXXX}, cut after {@link #MAX_CHARS} characters. Never used for secrets.
 */
public final class Shown {
  static final int MAX_CHARS = 40;

  private Shown() {}

  public static String value(String value) {
    StringBuilder shown = new StringBuilder("\"");
    int end = Math.min(value.length(), MAX_CHARS);
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> shown.append("\\\\");
        case '"' -> shown.append("\\\"");
        case '\n' -> shown.append("\\n");
        case '\r' -> shown.append("\\r");
        case '\t' -> shown.append("\\t");
        default -> {
          if (c < 0x20 || c >= 0x7f) {
            shown.append(String.format("\\u%04x", (int) c));
          } else {
            shown.append(c);
          }
        }
      }
    }
    shown.append('"');
    if (value.length() > MAX_CHARS) {
      shown.append("... (").append(value.length()).append(" chars)");
    }
    return shown.toString();
  }
}
