package et.client.term;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.Escaped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jline.terminal.Attributes;
import org.jline.terminal.Attributes.ControlChar;
import org.jline.terminal.Attributes.InputFlag;
import org.jline.terminal.Attributes.LocalFlag;
import org.jline.terminal.Attributes.OutputFlag;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.Terminal.Signal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.NonBlockingReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * JlineRawTerminal on a real PTY: jline's FFM provider opens a PTY pair (openpty) and runs a terminal
 * on its slave side, so the attributes are the kernel's termios and the bytes go through the
 * kernel's line discipline. The test types on the master side ({@link #keys}) and reads what the
 * slave side delivers; what the line discipline echoes appears in {@link #screen}.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class JlineRawTerminalPtyTest {

  private static final Duration DEADLINE = Duration.ofSeconds(5);

  /**
   * jline logs (java.util.logging) "Error in output pump: Input/output error" when the PTY closes:
   * reading a master whose slave is closed gives EIO on Linux, the normal end. Held strongly
   * because JUL keeps loggers only weakly.
   */
  private static final Logger JLINE_LOG = Logger.getLogger("org.jline");

  @BeforeAll
  static void quietPtyCloseWarnings() {
    JLINE_LOG.setLevel(Level.SEVERE);
  }

  private PipedOutputStream keys;
  private final ByteArrayOutputStream screen = new ByteArrayOutputStream(); // synchronized
  private Terminal terminal;

  @BeforeEach
  void openPty() throws IOException {
    keys = new PipedOutputStream();
    PipedInputStream typed = new PipedInputStream(keys, 4096);
    terminal = TerminalBuilder.builder()
        .system(false)
        .provider("ffm")
        .type("xterm")
        .streams(typed, screen)
        .size(new Size(80, 24))
        .build();
    assertEquals("PosixPtyTerminal", terminal.getClass().getSimpleName(), "not a PTY-backed terminal");
  }

  @AfterEach
  void closePty() throws IOException {
    if (terminal != null) {
      terminal.close();
    }
    keys.close();
  }

  @Test
  void enterRawSetsTheKernelsAttributesAndCloseRestoresThem() {
    Attributes before = terminal.getAttributes();
    assertTrue(before.getLocalFlag(LocalFlag.ISIG) && before.getLocalFlag(LocalFlag.ICANON),
        "precondition: a new PTY is cooked: " + before);

    JlineRawTerminal raw = new JlineRawTerminal(terminal);
    raw.enterRaw();
    Attributes inRaw = terminal.getAttributes(); // read back from the PTY (tcgetattr)
    for (LocalFlag off : List.of(LocalFlag.ISIG, LocalFlag.ICANON, LocalFlag.ECHO, LocalFlag.IEXTEN)) {
      assertFalse(inRaw.getLocalFlag(off), off + " still on: " + inRaw);
    }
    assertFalse(inRaw.getInputFlag(InputFlag.ICRNL));
    assertFalse(inRaw.getInputFlag(InputFlag.IXON));
    assertFalse(inRaw.getOutputFlag(OutputFlag.OPOST));
    assertEquals(1, inRaw.getControlChar(ControlChar.VMIN));
    assertEquals(0, inRaw.getControlChar(ControlChar.VTIME));

    raw.close();
    assertEquals(before.toString(), terminal.getAttributes().toString());
  }

  /** In raw mode, Ctrl-C, Ctrl-Z, Ctrl-\ and CR reach the reader as bytes, unechoed and untranslated. */
  @Test
  void controlKeysArriveAsBytesInRawMode() throws IOException {
    try (JlineRawTerminal raw = new JlineRawTerminal(terminal)) {
      raw.enterRaw();
      type("a\u0003\u001a\u001c\rz");
      assertEquals("a\u0003\u001a\u001c\rz", readChars(6));
      // Anything echoed for those keys was queued before this marker: the marker shows none was.
      terminal.writer().print("END");
      terminal.flush();
      awaitScreen("END");
      assertEquals("END", screenText(), "raw mode must not echo");
    }
  }

  /**
   * The contrast that shows the PTY really interprets input: in cooked mode (before enterRaw and
   * after close) Ctrl-C is a signal key, which discards the line typed so far; CR becomes LF.
   */
  @Test
  void inCookedModeCtrlCIsASignalKeyAndCloseBringsThatBack() throws IOException {
    type("a\u0003b\r");
    assertEquals("b\n", readChars(2));

    JlineRawTerminal raw = new JlineRawTerminal(terminal);
    raw.enterRaw();
    type("a\u0003b\r");
    assertEquals("a\u0003b\r", readChars(4));
    raw.close();

    type("c\u0003d\r");
    assertEquals("d\n", readChars(2));
  }

  @Test
  void sizeComesFromThePtyAndResizeEventsReachTheListener() {
    List<TerminalSize> seen = new CopyOnWriteArrayList<>();
    try (JlineRawTerminal raw = new JlineRawTerminal(terminal)) {
      assertEquals(new TerminalSize(80, 24), raw.size());
      raw.onResize(seen::add);
      terminal.setSize(new Size(132, 43)); // TIOCSWINSZ on the PTY
      assertEquals(new TerminalSize(132, 43), raw.size()); // TIOCGWINSZ
      terminal.raise(Signal.WINCH); // the kernel signals only a PTY's foreground process group
      assertEquals(List.of(new TerminalSize(132, 43)), seen);
    }
  }

  private void type(String s) throws IOException {
    keys.write(s.getBytes(StandardCharsets.ISO_8859_1));
    keys.flush();
  }

  /** Reads exactly {@code n} chars from the terminal, failing after the deadline. */
  private String readChars(int n) throws IOException {
    NonBlockingReader reader = terminal.reader();
    StringBuilder sb = new StringBuilder();
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (sb.length() < n) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        throw new AssertionError("timed out reading " + n + " chars, got " + Escaped.of(sb.toString()));
      }
      int c = reader.read(left);
      if (c == NonBlockingReader.EOF) {
        throw new AssertionError("EOF after " + Escaped.of(sb.toString()));
      }
      if (c >= 0) {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  private void awaitScreen(String marker) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!screenText().contains(marker)) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting for " + marker + " on screen: " + Escaped.of(screenText()));
      }
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  private String screenText() {
    return screen.toString(StandardCharsets.ISO_8859_1);
  }
}
