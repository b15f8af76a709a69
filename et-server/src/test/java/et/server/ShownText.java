package et.server;

/** Terminal output made readable in a failure message: control characters shown as escapes. */
public final class ShownText {
  private ShownText() {}

  public static String printable(String text) {
    StringBuilder shown = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (c >= 0x20 && c < 0x7f) {
        shown.append(c);
      } else {
        shown.append(switch (c) {
          case '\n' -> "\\n";
          case '\r' -> "\\r";
          case 0x1b -> "\\e";
          default -> String.format("\\x%02x", (int) c);
        });
      }
    }
    return shown.toString();
  }
}
