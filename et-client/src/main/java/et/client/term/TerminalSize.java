package et.client.term;

/**
 * The size of a terminal in character cells.
 *
 * @param columns width, 0 when unknown
 * @param rows    height, 0 when unknown
 */
public record TerminalSize(int columns, int rows) {
  public TerminalSize {
    if (columns < 0 || rows < 0) {
      throw new IllegalArgumentException("negative terminal size " + columns + "x" + rows);
    }
  }
}
