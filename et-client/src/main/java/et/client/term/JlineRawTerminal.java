package et.client.term;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jline.terminal.Attributes;
import org.jline.terminal.Attributes.ControlChar;
import org.jline.terminal.Attributes.InputFlag;
import org.jline.terminal.Attributes.LocalFlag;
import org.jline.terminal.Attributes.OutputFlag;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.Terminal.Signal;
import org.jline.terminal.Terminal.SignalHandler;

/**
 * A {@link RawTerminal} over a jline {@link Terminal}: this process's own terminal (jline's system
 * terminal), or one jline made on a PTY.
 *
 * <p>{@link #enterRaw()} saves the terminal's attributes and sets {@link #rawAttributes}: what
 * jline's {@code enterRawMode()} does plus no signals, blocking single-byte reads and no output
 * processing (the same as ssh's raw mode). A process stopped and continued (SIGSTOP from outside,
 * then {@code fg}) finds its terminal as the shell left it, in its normal mode: on SIGCONT in the
 * foreground raw mode is set again, as vim and less do. {@link #close()} puts the saved attributes back and the
 * previous window-change and continue handlers; it does not close the jline {@link Terminal},
 * which its creator owns. So: {@code try (RawTerminal raw = new JlineRawTerminal(terminal)) { raw.enterRaw(); ... }}.
 *
 * <p>Threads: {@code enterRaw} and {@code close} from the session's thread, {@code suspend} from
 * the keyboard's; the resize listener and the continue handler run on jline's signal thread.
 */
public final class JlineRawTerminal implements RawTerminal {

  /** How often a suspended et continued in the background looks whether fg brought it to the front. */
  static final long BACKGROUND_POLL_MILLIS = 100;

  private final Terminal terminal;
  private final BooleanSupplier inForeground;
  /** The terminal's settings exactly as before et (jline's attributes drop the line speed), if known. */
  private final Optional<SavedTermios> exact;
  private Attributes saved; // null until enterRaw
  private Attributes rawMode; // set with saved
  private SignalHandler previousWinch; // null until onResize
  private boolean resizeHandled;
  private SignalHandler previousCont; // while raw
  /** The resize listener, also told of the size after a continue; null before onResize and after close. */
  private volatile Consumer<TerminalSize> resizeListener;

  /** A terminal no shell stops or puts in the background, such as one jline made on a PTY. */
  public JlineRawTerminal(Terminal terminal) {
    this(terminal, () -> true, Optional.empty());
  }

  /**
   * {@code inForeground} tells whether this process is the terminal's foreground job (its shell
   * may stop it and put it in the background): raw mode is set only then. {@code exact}: the
   * terminal's settings from before et, which {@link #suspend()} puts back where known.
   */
  public JlineRawTerminal(Terminal terminal, BooleanSupplier inForeground, Optional<SavedTermios> exact) {
    this.terminal = Objects.requireNonNull(terminal, "terminal");
    this.inForeground = Objects.requireNonNull(inForeground, "inForeground");
    this.exact = Objects.requireNonNull(exact, "exact");
  }

  /**
   * The raw-mode attributes for a terminal whose attributes are {@code original} (which is not
   * changed). Input: no CR/NL translation, no flow control, no stripping; local: no canonical
   * lines, no echo, no signals (ISIG: Ctrl-C/Z/\ are plain bytes), no extended input; output:
   * no processing (OPOST: the remote PTY already did it); reads return after each byte
   * (VMIN=1, VTIME=0). Everything else (control flags, the other control characters) is kept.
   */
  public static Attributes rawAttributes(Attributes original) {
    Attributes raw = new Attributes(original);
    raw.setInputFlags(EnumSet.of(InputFlag.ISTRIP, InputFlag.INLCR, InputFlag.IGNCR, InputFlag.ICRNL,
        InputFlag.IXON, InputFlag.IXANY, InputFlag.IXOFF), false);
    raw.setInputFlag(InputFlag.IGNPAR, true);
    raw.setLocalFlags(EnumSet.of(LocalFlag.ISIG, LocalFlag.ICANON, LocalFlag.ECHO, LocalFlag.ECHOE,
        LocalFlag.ECHOK, LocalFlag.ECHONL, LocalFlag.IEXTEN), false);
    raw.setOutputFlag(OutputFlag.OPOST, false);
    raw.setControlChar(ControlChar.VMIN, 1);
    raw.setControlChar(ControlChar.VTIME, 0);
    return raw;
  }

  /** Saves the current attributes and switches to {@link #rawAttributes}; a second call does nothing. */
  @Override
  public synchronized void enterRaw() {
    if (saved != null) {
      return;
    }
    Attributes current = terminal.getAttributes();
    Attributes raw = rawAttributes(current);
    terminal.setAttributes(raw);
    saved = current;
    rawMode = raw;
    previousCont = terminal.handle(Signal.CONT, signal -> continued());
    ignoreTerminalStops();
  }

  /**
   * From raw mode on (so in the foreground: in the background, setting it stopped this process
   * until fg), terminal settings written from the background do not stop this process (SIGTTOU):
   * killed while suspended, its shell's kill continues it in the background, and the exit's
   * restores (jline's shutdown hook among them) would stop it again instead of letting it end.
   * et itself sets nothing from the background ({@link #suspend()} and the continue handler wait
   * for the foreground). Writes from the background were never stopped, unless {@code stty tostop}.
   */
  private static void ignoreTerminalStops() {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("TTOU"), sun.misc.SignalHandler.SIG_IGN);
    } catch (IllegalArgumentException e) {
      // not a signal here: nothing to ignore
    }
  }

  /**
   * Stops this process (SIGSTOP) in the terminal's normal mode; once continued in the foreground,
   * raw mode again before the caller reads another key. Continued in the background (bg, or the
   * SIGCONT of a shell's kill), it waits without touching the terminal, whose writes would stop it
   * again (SIGTTOU) before a kill's SIGTERM could end it, until fg (seen within {@link
   * #BACKGROUND_POLL_MILLIS}) or {@link #close()}.
   */
  @Override
  public void suspend() throws InterruptedException {
    synchronized (this) {
      if (saved == null) {
        return;
      }
      terminal.flush();
      // Exactly as before (jline's attributes drop the line speed): a job-control shell takes the
      // terminal's state at fg for its own, and puts it back after et.
      if (!exact.map(SavedTermios::restore).orElse(false)) {
        terminal.setAttributes(saved);
      }
    }
    StopThisProcess.now();
    synchronized (this) {
      while (saved != null && !inForeground.getAsBoolean()) {
        wait(BACKGROUND_POLL_MILLIS); // fg of a running job sends no SIGCONT: look again
      }
    }
    continued();
  }

  /**
   * SIGCONT (on jline's signal thread) or the end of a {@link #suspend()}: in the foreground, raw
   * mode again, unless {@link #close()} came first, and the size to the resize listener, since a
   * window change while stopped went to the shell, which had the terminal, not to this process.
   */
  private synchronized void continued() {
    notifyAll(); // a suspend() waiting for the foreground looks again
    if (saved == null || !inForeground.getAsBoolean()) {
      return;
    }
    try {
      terminal.setAttributes(rawMode);
    } catch (IllegalStateException closed) {
      return; // jline's shutdown hook closed the terminal: et is exiting
    }
    Consumer<TerminalSize> listener = resizeListener;
    if (listener != null) {
      listener.accept(size());
    }
  }

  /** True between {@link #enterRaw()} and {@link #close()}. */
  @Override
  public synchronized boolean isRaw() {
    return saved != null;
  }

  /** The terminal's current size ({@code 0x0} when unknown, e.g. on a dumb terminal). */
  @Override
  public TerminalSize size() {
    Size size = terminal.getSize();
    return new TerminalSize(Math.max(0, size.getColumns()), Math.max(0, size.getRows()));
  }

  /**
   * Calls {@code listener} with the new size after each window change (SIGWINCH) and after a
   * continue while raw, replacing any listener set before. The handler that was there first comes
   * back on {@link #close()}.
   */
  @Override
  public void onResize(Consumer<TerminalSize> listener) {
    Objects.requireNonNull(listener, "listener");
    resizeListener = listener;
    SignalHandler previous = terminal.handle(Signal.WINCH, signal -> listener.accept(size()));
    if (!resizeHandled) {
      previousWinch = previous;
      resizeHandled = true;
    }
  }

  /** Restores the saved attributes and the previous window-change handler. Idempotent. */
  @Override
  public synchronized void close() {
    resizeListener = null;
    if (resizeHandled) {
      terminal.handle(Signal.WINCH, previousWinch != null ? previousWinch : SignalHandler.SIG_DFL);
      resizeHandled = false;
      previousWinch = null;
    }
    if (saved != null) {
      terminal.handle(Signal.CONT, previousCont != null ? previousCont : SignalHandler.SIG_DFL);
      previousCont = null;
      terminal.flush();
      terminal.setAttributes(saved);
      saved = null;
      rawMode = null;
    }
    notifyAll(); // a suspend() waits no longer
  }
}
