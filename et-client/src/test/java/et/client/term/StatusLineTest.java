package et.client.term;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StatusLineTest {

  private static final String ESC = "\u001b";

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The exact frame: save, go to the last row, clear it, reverse video text, normal, restore. */
  private static byte[] framed(int row, String shown) {
    return utf8(ESC + "7" + ESC + "[" + row + ";1H" + ESC + "[2K" + ESC + "[7m" + shown + ESC + "[0m" + ESC + "8");
  }

  @Test
  void theReconnectMessage() {
    assertEquals("et: connection lost, reconnecting\u2026 12 s", StatusLine.reconnecting(Duration.ofSeconds(12)));
    assertEquals("et: connection lost, reconnecting\u2026 12 s", StatusLine.reconnecting(Duration.ofMillis(12_999)));
    assertEquals("et: connection lost, reconnecting\u2026 0 s", StatusLine.reconnecting(Duration.ZERO));
  }

  @Test
  void theReconnectMessageSaysWhyTheLatestAttemptFailed() {
    assertEquals("et: connection lost, reconnecting\u2026 7 s (Connection refused)",
        StatusLine.reconnecting(Duration.ofSeconds(7), "Connection refused"));
  }
  @Test
  void throughJumpHostsTheLineNamesThePathAndTheHopThatFailed() {
    assertEquals("et: connection lost, reconnecting via j1 -> db\u2026 3 s (j1 -> db: the relay cannot reach the next hop)",
        StatusLine.reconnectingVia("j1 -> db", Duration.ofSeconds(3), "j1 -> db: the relay cannot reach the next hop"));
    assertEquals("et: connection lost, reconnecting via j1 -> db\u2026 0 s", StatusLine.reconnectingVia("j1 -> db", Duration.ZERO, ""));
  }


  @Test
  void theMessageWhileRefusedWithoutProofSaysWhenEtGivesUp() {
    assertEquals("et: reconnecting\u2026 42 s; refused: no such session (unverified); giving up in 9:18",
        StatusLine.refused(Duration.ofSeconds(42), "no such session (unverified)", Duration.ofSeconds(558)));
    assertEquals("et: reconnecting\u2026 0 s; refused: x; giving up in 0:00",
        StatusLine.refused(Duration.ZERO, "x", Duration.ofSeconds(-3)));
  }

  @Test
  void rendersOnTheLastRowInReverseVideoAndRestoresTheCursor() {
    byte[] bytes = StatusLine.render("et: connection lost, reconnecting\u2026 12 s", new TerminalSize(80, 24));
    byte[] expected = {
      0x1b, '7', 0x1b, '[', '2', '4', ';', '1', 'H', 0x1b, '[', '2', 'K', 0x1b, '[', '7', 'm',
      'e', 't', ':', ' ', 'c', 'o', 'n', 'n', 'e', 'c', 't', 'i', 'o', 'n', ' ', 'l', 'o', 's', 't', ',', ' ',
      'r', 'e', 'c', 'o', 'n', 'n', 'e', 'c', 't', 'i', 'n', 'g', (byte) 0xe2, (byte) 0x80, (byte) 0xa6, ' ',
      '1', '2', ' ', 's', 0x1b, '[', '0', 'm', 0x1b, '8'
    };
    assertArrayEquals(expected, bytes);
  }

  @Test
  void clearBlanksTheLastRowAndRestoresTheCursor() {
    assertArrayEquals(utf8(ESC + "7" + ESC + "[24;1H" + ESC + "[2K" + ESC + "8"), StatusLine.clear(new TerminalSize(80, 24)));
    assertArrayEquals(utf8(ESC + "7" + ESC + "[1;1H" + ESC + "[2K" + ESC + "8"), StatusLine.clear(new TerminalSize(1, 1)));
  }

  static Stream<Arguments> truncations() {
    String msg = "et: connection lost, reconnecting\u2026 12 s"; // 39 code points
    return Stream.of(
        Arguments.of(msg, 80, msg),
        Arguments.of(msg, 40, msg), // 39 cells fit in 40 columns minus the last one
        Arguments.of(msg, 39, "et: connection lost, reconnecting\u2026 12 "),
        Arguments.of(msg, 35, "et: connection lost, reconnecting\u2026"), // the 3-byte '…' is one cell
        Arguments.of(msg, 34, "et: connection lost, reconnecting"),
        Arguments.of(msg, 2, "e"),
        Arguments.of(msg, 1, ""),
        Arguments.of("ab\uD83D\uDE00cd", 4, "ab\uD83D\uDE00"), // a surrogate pair is never split
        Arguments.of("ab\uD83D\uDE00cd", 3, "ab"),
        Arguments.of("", 80, ""));
  }

  @ParameterizedTest(name = "[{index}] {1} columns")
  @MethodSource("truncations")
  void cutsToTheWidthLessTheBottomRightCell(String text, int columns, String shown) {
    assertArrayEquals(framed(24, shown), StatusLine.render(text, new TerminalSize(columns, 24)));
  }

  @Test
  void controlCharactersCannotInjectEscapes() {
    assertArrayEquals(framed(5, "a?[31mb?c?"), StatusLine.render("a\u001b[31mb\rc\u009b", new TerminalSize(80, 5)));
  }

  @Test
  void refusesATerminalOfUnknownSize() {
    assertThrows(IllegalArgumentException.class, () -> StatusLine.render("x", new TerminalSize(0, 0)));
    assertThrows(IllegalArgumentException.class, () -> StatusLine.render("x", new TerminalSize(80, 0)));
    assertThrows(IllegalArgumentException.class, () -> StatusLine.clear(new TerminalSize(0, 24)));
  }
}
