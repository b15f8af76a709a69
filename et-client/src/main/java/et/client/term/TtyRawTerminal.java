package et.client.term;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A {@link RawTerminal} on a {@link TtyDevice}: a terminal another process handed over, driven
 * through its descriptor without jline. Raw mode is {@link JlineRawTerminal#rawAttributes}'s,
 * written into the kernel's {@code struct termios} directly; {@link #close()} puts back the bytes
 * {@link #enterRaw()} captured, line speed included. Window changes are not signalled to this
 * process: whoever learns of them (the thin client that got SIGWINCH) calls {@link
 * #windowChanged()}. {@link #close()} does not close the device, which its opener owns.
 *
 * <p>Thread-safe: {@code enterRaw}, {@code isRaw}, {@code continued} and {@code close} take this
 * object's lock, which {@code suspend} gives up while it waits; {@link #windowChanged()} (also run
 * by {@code continued}) may come from any thread and runs the listener on it, outside the lock.
 */
public final class TtyRawTerminal implements RawTerminal {
  // Linux's struct termios (x86-64, arm64): four 32-bit flag words, c_line, then c_cc.
  private static final long INPUT_FLAGS = 0;
  private static final long OUTPUT_FLAGS = 4;
  private static final long LOCAL_FLAGS = 12;
  private static final long CONTROL_CHARS = 17;
  private static final int VTIME = 5;
  private static final int VMIN = 6;

  private static final int IGNPAR = 04;
  private static final int INPUT_OFF = 040 /* ISTRIP */ | 0100 /* INLCR */ | 0200 /* IGNCR */
      | 0400 /* ICRNL */ | 02000 /* IXON */ | 04000 /* IXANY */ | 010000 /* IXOFF */;
  private static final int OPOST = 01;
  private static final int LOCAL_OFF = 01 /* ISIG */ | 02 /* ICANON */ | 010 /* ECHO */ | 020 /* ECHOE */
      | 040 /* ECHOK */ | 0100 /* ECHONL */ | 0100000 /* IEXTEN */;

  private final TtyDevice device;
  /** The settings from before {@link #enterRaw()}; null while not raw. Guarded by this. */
  private SavedTermios saved;
  /** Told of window changes; null when none is set or after close. */
  private volatile Consumer<TerminalSize> resizeListener;
  /** Asks the process that handed the terminal over to stop itself ({@link #suspend()}); null: none. */
  private volatile Runnable stopOwner;
  /** Between a {@link #suspend()}'s stop and the owner's continue. Guarded by this. */
  private boolean suspended;

  public TtyRawTerminal(TtyDevice device) {
    this.device = Objects.requireNonNull(device, "device");
  }

  /**
   * Captures the terminal's exact settings and switches to raw mode; a second call does nothing.
   *
   * @throws UncheckedIOException when the terminal refuses (it is gone, or no longer a terminal)
   */
  @Override
  public synchronized void enterRaw() {
    if (saved != null) {
      return;
    }
    int fd = device.fd();
    SavedTermios current = SavedTermios.capture(fd)
        .orElseThrow(() -> refused("tcgetattr", fd));
    if (!current.applyEdited(TtyRawTerminal::makeRaw)) {
      throw refused("tcsetattr", fd);
    }
    saved = current;
  }

  private static UncheckedIOException refused(String call, int fd) {
    return new UncheckedIOException(new IOException(call + " refused on terminal descriptor " + fd));
  }

  /** Edits {@code termios} into raw mode; the rest (control flags, line speed, other control characters) is kept. */
  private static void makeRaw(MemorySegment termios) {
    setFlags(termios, INPUT_FLAGS, IGNPAR, INPUT_OFF);
    setFlags(termios, OUTPUT_FLAGS, 0, OPOST);
    setFlags(termios, LOCAL_FLAGS, 0, LOCAL_OFF);
    termios.set(ValueLayout.JAVA_BYTE, CONTROL_CHARS + VMIN, (byte) 1); // each read returns after one byte
    termios.set(ValueLayout.JAVA_BYTE, CONTROL_CHARS + VTIME, (byte) 0); // and waits for it without timeout
  }

  private static void setFlags(MemorySegment termios, long offset, int on, int off) {
    int flags = termios.get(ValueLayout.JAVA_INT, offset);
    termios.set(ValueLayout.JAVA_INT, offset, (flags & ~off) | on);
  }

  @Override
  public synchronized boolean isRaw() {
    return saved != null;
  }

  @Override
  public TerminalSize size() {
    return device.size();
  }

  /** Sets the listener that {@link #windowChanged()} calls, replacing any set before. */
  @Override
  public void onResize(Consumer<TerminalSize> listener) {
    resizeListener = Objects.requireNonNull(listener, "listener");
  }

  /** The terminal's window changed: calls the resize listener with the new {@link #size()}, if one is set. */
  public void windowChanged() {
    Consumer<TerminalSize> listener = resizeListener;
    if (listener != null) {
      listener.accept(size());
    }
  }

  /** Sets what {@link #suspend()} runs to have the process that handed the terminal over stop itself. */
  public void onSuspend(Runnable stopOwner) {
    this.stopOwner = Objects.requireNonNull(stopOwner, "stopOwner");
  }

  /**
   * Puts back the settings from before raw mode, has the owner stop itself, and waits for its
   * continue in the foreground ({@link #continued()}) or for {@link #close()}. Nothing happens
   * without an owner to stop ({@link #onSuspend}).
   */
  @Override
  public void suspend() throws InterruptedException {
    Runnable stop = stopOwner;
    synchronized (this) {
      if (saved == null || stop == null) {
        return;
      }
      saved.restore();
      suspended = true;
    }
    stop.run();
    synchronized (this) {
      while (suspended && saved != null) {
        wait();
      }
    }
  }

  /**
   * The process the terminal was handed over from was continued in the foreground (the thin client
   * got SIGCONT): its shell had the terminal in its normal mode meanwhile, so raw mode is set again,
   * if this is still raw, a {@link #suspend()} returns, and the resize listener hears the size. A
   * terminal that refuses is gone: its reads end the session.
   */
  public void continued() {
    synchronized (this) {
      if (saved != null) {
        saved.applyEdited(TtyRawTerminal::makeRaw);
      }
      suspended = false;
      notifyAll();
    }
    windowChanged(); // a change while stopped went to the shell, which had the terminal
  }

  /** Stops resize events and puts back the exact settings from before {@link #enterRaw()}. Idempotent. */
  @Override
  public synchronized void close() {
    resizeListener = null;
    if (saved != null) {
      saved.restore(); // false only when the terminal is gone: then nothing is left to restore
      saved = null;
    }
    notifyAll(); // a suspend() waits no longer
  }
}
