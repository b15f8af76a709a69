package et.terminal;

/**
 * The client's terminal size, as sent on the {@link TerminalChannels#RESIZE} channel: 4 bytes,
 * {@code u16 cols} then {@code u16 rows}, big-endian; both in 1..65535.
 */
public record ResizeEvent(int cols, int rows) {
  public static final int BYTES = 4;
  public static final int MAX = 0xffff;

  public ResizeEvent {
    if (cols < 1 || cols > MAX) {
      throw new IllegalArgumentException("cols must be in 1.." + MAX + ": " + cols);
    }
    if (rows < 1 || rows > MAX) {
      throw new IllegalArgumentException("rows must be in 1.." + MAX + ": " + rows);
    }
  }

  /** The 4 bytes of this event on the wire. */
  public byte[] encode() {
    return new byte[] {(byte) (cols >>> 8), (byte) cols, (byte) (rows >>> 8), (byte) rows};
  }
}
