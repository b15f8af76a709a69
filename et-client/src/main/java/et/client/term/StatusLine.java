package et.client.term;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The one-line status et shows over the remote screen while it reconnects, as terminal bytes.
 *
 * <p>{@link #render} saves the cursor ({@code ESC 7}), moves to the first column of the last row
 * ({@code ESC [ row;1 H}), clears that line ({@code ESC [ 2 K}), writes the text in reverse video
 * ({@code ESC [ 7 m ... ESC [ 0 m}) and restores the cursor ({@code ESC 8}), so the remote
 * program's cursor and screen are where they were. {@link #clear} blanks the line again the same
 * way; what the remote program had on that row comes back only when it redraws.
 *
 * <p>The text is cut to {@code columns - 1} cells: a character in the bottom-right cell makes some
 * terminals scroll (or leaves a pending wrap), which would move the remote screen. Each code point
 * counts as one cell (et's own texts are ASCII and "…"); control characters become {@code ?} so a
 * status text can never inject an escape sequence. Pure: no I/O.
 */
public final class StatusLine {

  private static final String ESC = "\u001b";
  private static final String SAVE_CURSOR = ESC + "7";
  private static final String RESTORE_CURSOR = ESC + "8";
  private static final String CLEAR_LINE = ESC + "[2K";
  private static final String REVERSE = ESC + "[7m";
  private static final String NORMAL = ESC + "[0m";

  private StatusLine() {
  }

  /** The reconnect message after {@code elapsed}, in whole seconds: "et: connection lost, reconnecting… 12 s". */
  public static String reconnecting(Duration elapsed) {
    return "et: connection lost, reconnecting\u2026 " + elapsed.toSeconds() + " s";
  }

  /** As {@link #reconnecting(Duration)}, with why the latest attempt failed: "… 12 s (Connection refused)". */
  public static String reconnecting(Duration elapsed, String why) {
    return reconnecting(elapsed) + " (" + why + ")";
  }

  /**
   * As {@link #reconnecting(Duration, String)} for a session through jump hosts, naming the path
   * ({@code route}, "jump1 -> target"): "et: connection lost, reconnecting via jump1 -> target… 3 s
   * (jump1 -> target: …)"; {@code why} names the hop that failed, as the relays said.
   */
  public static String reconnectingVia(String route, Duration elapsed, String why) {
    return "et: connection lost, reconnecting via " + route + "\u2026 " + elapsed.toSeconds() + " s"
        + (why.isEmpty() ? "" : " (" + why + ")");
  }

  /**
   * The reconnect message while every attempt is refused without proof: "et: reconnecting… 42 s;
   * refused: no such session (unverified); giving up in 9:18".
   */
  public static String refused(Duration elapsed, String reason, Duration untilGivingUp) {
    long left = Math.max(0, untilGivingUp.toSeconds());
    return "et: reconnecting\u2026 " + elapsed.toSeconds()
        + " s; refused: " + reason + "; giving up in " + left / 60 + ":" + String.format("%02d", left % 60);
  }

  /** Bytes that show {@code text} on the last row of a terminal of {@code size}, cursor unchanged. */
  public static byte[] render(String text, TerminalSize size) {
    requireKnown(size);
    String shown = sanitize(truncate(text, size.columns() - 1));
    return bytes(SAVE_CURSOR + moveToLastRow(size) + CLEAR_LINE + REVERSE + shown + NORMAL + RESTORE_CURSOR);
  }

  /** Bytes that blank the last row of a terminal of {@code size}, cursor unchanged. */
  public static byte[] clear(TerminalSize size) {
    requireKnown(size);
    return bytes(SAVE_CURSOR + moveToLastRow(size) + CLEAR_LINE + RESTORE_CURSOR);
  }

  private static String moveToLastRow(TerminalSize size) {
    return ESC + "[" + size.rows() + ";1H";
  }

  private static String truncate(String text, int cells) {
    if (text.codePointCount(0, text.length()) <= cells) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, cells));
  }

  private static String sanitize(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    text.codePoints().forEach(cp -> sb.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
    return sb.toString();
  }

  private static void requireKnown(TerminalSize size) {
    if (size.columns() < 1 || size.rows() < 1) {
      throw new IllegalArgumentException("no status line on a terminal of unknown size " + size);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
