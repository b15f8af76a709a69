package et.client;

/**
 * Remote or foreign text made safe to print on the user's terminal: control characters (C0, DEL,
 * C1) become {@code \xNN}, a backslash stays a backslash, and the result is cut to a length. Used
 * for whatever the remote side or ssh says that et repeats in its own messages: an escape sequence
 * in it must not reach the terminal as one.
 */
final class Printable {

  private Printable() {
  }

  /** {@code text} with control characters escaped, cut after {@code maxCodePoints} (then "..."). */
  static String escape(String text, int maxCodePoints) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), maxCodePoints) + 8);
    int[] codePoints = text.codePoints().limit(maxCodePoints + 1L).toArray();
    for (int i = 0; i < Math.min(codePoints.length, maxCodePoints); i++) {
      int c = codePoints[i];
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        out.append(String.format("\\x%02x", c));
      } else {
        out.appendCodePoint(c);
      }
    }
    if (codePoints.length > maxCodePoints) {
      out.append("...");
    }
    return out.toString();
  }
}
