package et.testkit;

import java.nio.charset.StandardCharsets;

/**
 * Text or bytes made readable in a failure message: printable ASCII stays, {@code \n}, {@code \r},
 * {@code \t} and ESC show as {@code \n}, {@code \r}, {@code \t} and {@code \e}, every other char
 * up to 0xff (a control, DEL, a byte above 0x7f) as {@code \xNN}; chars above 0xff stay.
 */
public final class Escaped {
  private Escaped() {}

  /** {@code text} with its control characters and non-ASCII bytes escaped. */
  public static String of(String text) {
    StringBuilder shown = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c >= 0x20 && c < 0x7f) || c > 0xff) {
        shown.append(c);
      } else {
        shown.append(switch (c) {
          case '\n' -> "\\n";
          case '\r' -> "\\r";
          case '\t' -> "\\t";
          case 0x1b -> "\\e";
          default -> String.format("\\x%02x", (int) c);
        });
      }
    }
    return shown.toString();
  }

  /** {@code bytes}, one char each, escaped as above. */
  public static String of(byte[] bytes) {
    return of(new String(bytes, StandardCharsets.ISO_8859_1));
  }
}
