package et.client.term;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.TtyModes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Raw mode on a terminal opened by path, on a real PTY: the test types on the master side and
 * reads what the slave delivers through {@link WakeableStdin}; what the line discipline echoes shows
 * on the master. The kernel's settings are read on the master, apart from the code under test.
 */
@EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "aarch64"}) // where TtyDevice opens terminals
class TtyRawTerminalTest {
  private static final Duration DEADLINE = Duration.ofSeconds(5);

  private PtyPair pty;
  private TtyDevice tty;

  @BeforeEach
  void openPty() throws IOException {
    pty = PtyPair.open();
    tty = TtyDevice.open(pty.slavePath()).orElseThrow();
  }

  @AfterEach
  void closePty() {
    tty.close();
    pty.close();
  }

  /** Ctrl-C, Ctrl-Z, Ctrl-\ and CR reach the reader as bytes, untranslated and unechoed. */
  @Test
  void typedBytesArriveUnchangedAndUnechoed() throws Exception {
    try (TtyRawTerminal raw = new TtyRawTerminal(tty); WakeableStdin keys = WakeableStdin.open(tty.fd(), () -> true);
        TerminalOutput screen = TerminalOutput.of(tty.fd())) {
      raw.enterRaw();
      pty.type("a\u0003\u001a\u001c\rz");
      assertEquals("a\u0003\u001a\u001c\rz", read(keys, 6));
      // Anything echoed for those keys was queued before this marker: the marker shows none was.
      screen.write("END".getBytes(StandardCharsets.US_ASCII));
      assertEquals("END", pty.awaitShown("END", DEADLINE), "raw mode must not echo");
    }
  }

  /** The contrast that shows the PTY really interprets input: cooked before enterRaw and after close. */
  @Test
  void cookedBeforeAndAfterRaw() throws Exception {
    try (WakeableStdin keys = WakeableStdin.open(tty.fd(), () -> true)) {
      pty.type("a\u0003b\r");
      assertEquals("b\n", read(keys, 2), "Ctrl-C discards the line, CR becomes LF");

      TtyRawTerminal raw = new TtyRawTerminal(tty);
      raw.enterRaw();
      pty.type("a\u0003b\r");
      assertEquals("a\u0003b\r", read(keys, 4));
      raw.close();

      pty.type("c\u0003d\r");
      assertEquals("d\n", read(keys, 2));
    }
  }

  /**
   * A shell that took the terminal back (its user's et stopped) left it cooked: continued() makes
   * it raw again while raw and reports the size, and does nothing once closed.
   */
  @Test
  void continuedSetsRawModeAgainUntilClosed() throws Exception {
    try (WakeableStdin keys = WakeableStdin.open(tty.fd(), () -> true)) {
      TtyRawTerminal raw = new TtyRawTerminal(tty);
      raw.enterRaw();
      byte[] rawSettings = pty.termios();
      TtyModes.cook(pty.slavePath());
      pty.type("a\u0003b\r");
      assertEquals("b\n", read(keys, 2), "cooked from outside");

      List<TerminalSize> sizes = new CopyOnWriteArrayList<>();
      raw.onResize(sizes::add);
      raw.continued();
      assertArrayEquals(rawSettings, pty.termios());
      assertEquals(List.of(tty.size()), sizes, "the size, which may have changed while the shell had the terminal");
      pty.type("a\u0003b\r");
      assertEquals("a\u0003b\r", read(keys, 4));

      raw.close();
      byte[] restored = pty.termios();
      raw.continued();
      assertArrayEquals(restored, pty.termios(), "continued after close changed the terminal");
    }
  }

  /** The flags jline's raw mode changes ({@link JlineRawTerminal#rawAttributes}), and nothing else. */
  @Test
  void enterRawChangesExactlyTheRawModeFlags() {
    byte[] cooked = pty.termios();
    TtyRawTerminal raw = new TtyRawTerminal(tty);

    raw.enterRaw();
    byte[] inRaw = pty.termios();
    raw.close();

    int inputOff = 040 | 0100 | 0200 | 0400 | 02000 | 04000 | 010000; // ISTRIP INLCR IGNCR ICRNL IXON IXANY IXOFF
    int localOff = 01 | 02 | 010 | 020 | 040 | 0100 | 0100000; // ISIG ICANON ECHO ECHOE ECHOK ECHONL IEXTEN
    byte[] expected = cooked.clone();
    // struct termios: c_iflag@0, c_oflag@4, c_cflag@8, c_lflag@12, c_line@16, c_cc@17 (VTIME 5, VMIN 6)
    ByteBuffer termios = ByteBuffer.wrap(expected).order(ByteOrder.nativeOrder());
    assertEquals(02, termios.getInt(12) & 02, "precondition: a new PTY is canonical (cooked)");
    termios.putInt(0, (termios.getInt(0) & ~inputOff) | 04); // IGNPAR on
    termios.putInt(4, termios.getInt(4) & ~01); // OPOST off
    termios.putInt(12, termios.getInt(12) & ~localOff);
    termios.put(17 + 6, (byte) 1);
    termios.put(17 + 5, (byte) 0);
    assertArrayEquals(expected, inRaw);
  }

  @Test
  void closeRestoresTheExactSettingsLineSpeedIncluded() {
    byte[] before = pty.termios();
    assertNotEquals(0, PtyPair.outputSpeed(before), "precondition: the PTY has a line speed");
    TtyRawTerminal raw = new TtyRawTerminal(tty);

    raw.enterRaw();
    assertTrue(raw.isRaw());
    raw.enterRaw(); // a second call must not save the raw settings as the ones to restore
    assertFalse(Arrays.equals(before, pty.termios()), "raw differs from cooked");

    raw.close();
    assertFalse(raw.isRaw());
    assertArrayEquals(before, pty.termios());
    assertEquals(PtyPair.outputSpeed(before), PtyPair.outputSpeed(pty.termios()));
    raw.close(); // idempotent
    assertArrayEquals(before, pty.termios());
  }

  @Test
  void closeWithoutEnterRawLeavesTheTerminalAlone() {
    byte[] before = pty.termios();
    new TtyRawTerminal(tty).close();
    assertArrayEquals(before, pty.termios());
  }

  @Test
  void windowChangedTellsTheListenerTheNewSizeUntilClose() {
    List<TerminalSize> seen = new CopyOnWriteArrayList<>();
    pty.resize(new TerminalSize(80, 24));
    TtyRawTerminal raw = new TtyRawTerminal(tty);
    assertEquals(new TerminalSize(80, 24), raw.size());

    raw.windowChanged(); // no listener yet: nothing to tell
    raw.onResize(seen::add);
    pty.resize(new TerminalSize(132, 43));
    raw.windowChanged();
    assertEquals(List.of(new TerminalSize(132, 43)), seen);

    raw.close();
    raw.windowChanged();
    assertEquals(1, seen.size(), "no resize event after close");
  }

  private static String read(WakeableStdin keys, int n) {
    return PtyPair.receive(keys, n, DEADLINE);
  }
}
