package et.terminal;

import java.util.Random;

/** Random text for round trips: ASCII, the bootstrap grammar's own characters, accents, CJK, emoji. */
final class RandomText {
  private static final String AWKWARD = " =%&+\n\r\t\"'\\$`;|<>~-._";

  private RandomText() {}

  /** 0..maxCodePoints random code points, never NUL and never a lone surrogate. */
  static String text(Random random, int maxCodePoints) {
    int count = random.nextInt(maxCodePoints + 1);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < count; i++) {
      text.appendCodePoint(
          switch (random.nextInt(6)) {
            case 0 -> AWKWARD.charAt(random.nextInt(AWKWARD.length()));
            case 1 -> 0x20 + random.nextInt(0x5f); // printable ASCII
            case 2 -> 1 + random.nextInt(0x1f); // controls but NUL
            case 3 -> 0xa0 + random.nextInt(0x700); // Latin-1 .. Cyrillic
            case 4 -> 0x4e00 + random.nextInt(0x5000); // CJK
            default -> 0x1f300 + random.nextInt(0x300); // emoji, outside the BMP
          });
    }
    return text.toString();
  }

  /** A non-empty text. */
  static String nonEmpty(Random random, int maxCodePoints) {
    String text = text(random, maxCodePoints);
    return text.isEmpty() ? "x" : text;
  }
}
