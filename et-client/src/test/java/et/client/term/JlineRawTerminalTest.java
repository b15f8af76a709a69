package et.client.term;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jline.terminal.Attributes;
import org.jline.terminal.Attributes.ControlChar;
import org.jline.terminal.Attributes.ControlFlag;
import org.jline.terminal.Attributes.InputFlag;
import org.jline.terminal.Attributes.LocalFlag;
import org.jline.terminal.Attributes.OutputFlag;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.Terminal.Signal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.Test;

/** Raw-mode attributes as a pure function, and restore-on-close on an in-memory terminal. */
class JlineRawTerminalTest {

  /** Typical attributes of an interactive terminal in cooked mode (as `stty sane` leaves it). */
  static Attributes cooked() {
    Attributes a = new Attributes();
    a.setInputFlags(EnumSet.of(InputFlag.BRKINT, InputFlag.ICRNL, InputFlag.IXON, InputFlag.IXANY, InputFlag.IMAXBEL));
    a.setOutputFlags(EnumSet.of(OutputFlag.OPOST, OutputFlag.ONLCR));
    a.setControlFlags(EnumSet.of(ControlFlag.CS8, ControlFlag.CREAD, ControlFlag.HUPCL));
    a.setLocalFlags(EnumSet.of(LocalFlag.ISIG, LocalFlag.ICANON, LocalFlag.ECHO, LocalFlag.ECHOE, LocalFlag.ECHOK,
        LocalFlag.ECHOCTL, LocalFlag.ECHOKE, LocalFlag.IEXTEN));
    a.setControlChar(ControlChar.VINTR, 3);
    a.setControlChar(ControlChar.VSUSP, 26);
    a.setControlChar(ControlChar.VQUIT, 28);
    a.setControlChar(ControlChar.VERASE, 127);
    a.setControlChar(ControlChar.VMIN, 0);
    a.setControlChar(ControlChar.VTIME, 1);
    return a;
  }

  /** Attributes has no equals(); its toString lists every flag and control character. */
  static void assertSameAttributes(Attributes expected, Attributes actual) {
    assertEquals(expected.toString(), actual.toString());
  }

  @Test
  void rawAttributesTurnOffSignalsLinesEchoAndTranslation() {
    Attributes cooked = cooked();
    String before = cooked.toString();

    Attributes raw = JlineRawTerminal.rawAttributes(cooked);

    assertEquals(before, cooked.toString(), "the original must not change");
    for (LocalFlag off : List.of(LocalFlag.ISIG, LocalFlag.ICANON, LocalFlag.ECHO, LocalFlag.ECHOE, LocalFlag.ECHOK,
        LocalFlag.ECHONL, LocalFlag.IEXTEN)) {
      assertFalse(raw.getLocalFlag(off), off + " must be off");
    }
    for (InputFlag off : List.of(InputFlag.ICRNL, InputFlag.INLCR, InputFlag.IGNCR, InputFlag.IXON, InputFlag.IXANY,
        InputFlag.IXOFF, InputFlag.ISTRIP)) {
      assertFalse(raw.getInputFlag(off), off + " must be off");
    }
    assertTrue(raw.getInputFlag(InputFlag.IGNPAR));
    assertFalse(raw.getOutputFlag(OutputFlag.OPOST));
    assertEquals(1, raw.getControlChar(ControlChar.VMIN));
    assertEquals(0, raw.getControlChar(ControlChar.VTIME));
    // The rest is kept: line settings, flags et does not touch, the other control characters.
    assertEquals(EnumSet.of(ControlFlag.CS8, ControlFlag.CREAD, ControlFlag.HUPCL), raw.getControlFlags());
    assertTrue(raw.getInputFlag(InputFlag.BRKINT) && raw.getInputFlag(InputFlag.IMAXBEL));
    assertTrue(raw.getOutputFlag(OutputFlag.ONLCR));
    assertTrue(raw.getLocalFlag(LocalFlag.ECHOCTL) && raw.getLocalFlag(LocalFlag.ECHOKE));
    assertEquals(3, raw.getControlChar(ControlChar.VINTR));
    assertEquals(26, raw.getControlChar(ControlChar.VSUSP));
    assertEquals(127, raw.getControlChar(ControlChar.VERASE));
  }

  @Test
  void rawAttributesAreAFixedPoint() {
    Attributes once = JlineRawTerminal.rawAttributes(cooked());
    assertSameAttributes(once, JlineRawTerminal.rawAttributes(once));
  }

  /**
   * A terminal whose attributes live in memory: jline's "exec" provider over plain streams gives
   * an ExternalTerminal, which emulates the line discipline in Java (no PTY, no native code).
   */
  private static Terminal inMemoryTerminal() throws IOException {
    Terminal terminal = TerminalBuilder.builder()
        .system(false)
        .provider("exec")
        .type("xterm")
        .streams(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream())
        .attributes(cooked())
        .size(new Size(100, 40))
        .build();
    assertEquals("ExternalTerminal", terminal.getClass().getSimpleName());
    return terminal;
  }

  @Test
  void closeRestoresTheAttributesSavedByEnterRaw() throws IOException {
    try (Terminal terminal = inMemoryTerminal()) {
      Attributes original = terminal.getAttributes();
      assertTrue(original.getLocalFlag(LocalFlag.ISIG), "precondition: starts cooked");
      JlineRawTerminal raw = new JlineRawTerminal(terminal);

      raw.enterRaw();
      assertTrue(raw.isRaw());
      assertSameAttributes(JlineRawTerminal.rawAttributes(original), terminal.getAttributes());
      raw.enterRaw(); // a second call must not save the raw attributes as "original"

      raw.close();
      assertFalse(raw.isRaw());
      assertSameAttributes(original, terminal.getAttributes());
      raw.close(); // idempotent
      assertSameAttributes(original, terminal.getAttributes());
    }
  }

  @Test
  void closeWithoutEnterRawLeavesTheTerminalAlone() throws IOException {
    try (Terminal terminal = inMemoryTerminal()) {
      Attributes original = terminal.getAttributes();
      new JlineRawTerminal(terminal).close();
      assertSameAttributes(original, terminal.getAttributes());
    }
  }

  /**
   * SIGCONT while raw (after a stop, the shell had the terminal): raw mode again, and the size to the
   * resize listener, since a window change meanwhile went to the shell. Nothing once closed.
   */
  @Test
  void aContinueSetsRawModeAgainAndReportsTheSizeUntilClose() throws IOException {
    try (Terminal terminal = inMemoryTerminal()) {
      List<TerminalSize> seen = new CopyOnWriteArrayList<>();
      JlineRawTerminal raw = new JlineRawTerminal(terminal);
      raw.enterRaw();
      raw.onResize(seen::add);
      Attributes rawMode = terminal.getAttributes();

      terminal.setAttributes(cooked()); // what the shell did while it had the terminal
      terminal.setSize(new Size(90, 25));
      terminal.raise(Signal.CONT); // dispatched on the calling thread

      assertSameAttributes(rawMode, terminal.getAttributes());
      assertEquals(List.of(new TerminalSize(90, 25)), seen);

      raw.close();
      terminal.raise(Signal.CONT);
      assertSameAttributes(cooked(), terminal.getAttributes());
      assertEquals(1, seen.size(), "told after close");
    }
  }

  @Test
  void sizeAndResizeListenerUntilClose() throws IOException {
    try (Terminal terminal = inMemoryTerminal()) {
      Terminal.SignalHandler before = (signal) -> {};
      terminal.handle(Signal.WINCH, before);
      List<TerminalSize> seen = new CopyOnWriteArrayList<>();
      JlineRawTerminal raw = new JlineRawTerminal(terminal);
      assertEquals(new TerminalSize(100, 40), raw.size());

      raw.onResize(seen::add);
      raw.onResize(seen::add); // replacing the listener must still restore the FIRST handler on close
      terminal.setSize(new Size(132, 50));
      terminal.raise(Signal.WINCH); // dispatched on the calling thread
      assertEquals(List.of(new TerminalSize(132, 50)), seen);

      raw.close();
      assertSame(before, terminal.handle(Signal.WINCH, before), "the previous WINCH handler is back");
      terminal.raise(Signal.WINCH);
      assertEquals(1, seen.size(), "no resize event after close");
    }
  }
}
