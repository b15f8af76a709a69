package et.client.term;

import java.util.function.Consumer;

/**
 * A terminal in raw mode for the length of a session: every byte the user types goes to the remote
 * side as is (Ctrl-C, Ctrl-Z, Ctrl-\ included), and every byte the remote side sends is shown as
 * is. Raw mode means: no canonical lines, no echo, no signal keys, no CR/NL translation, no flow
 * control, no output processing, reads that return after each byte; everything else is kept.
 *
 * <p>Lifecycle: {@code cooked → raw (enterRaw) → restored (close)}; {@link #close()} puts back what
 * {@link #enterRaw()} changed and ends resize events, and closing twice does nothing.
 */
public interface RawTerminal extends AutoCloseable {

  /** Saves the terminal's settings and switches to raw mode; a second call does nothing. */
  void enterRaw();

  /** True between {@link #enterRaw()} and {@link #close()}. */
  boolean isRaw();

  /** The terminal's current size in columns and rows ({@code 0x0} when unknown). */
  TerminalSize size();

  /** Calls {@code listener} with the new size after each window change, replacing any listener set before. */
  void onResize(Consumer<TerminalSize> listener);

  /**
   * {@code ~^Z}: leaves raw mode and stops the user's et as Ctrl-Z stops a program, so that its
   * shell takes the terminal back; returns once the user's et is continued in the foreground (fg),
   * with raw mode set again, or when this is closed meanwhile. Does nothing when not raw.
   */
  void suspend() throws InterruptedException;

  /** Restores the settings saved by {@link #enterRaw()} and stops resize events. Idempotent. */
  @Override
  void close();
}
