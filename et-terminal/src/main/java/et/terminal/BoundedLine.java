package et.terminal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads one bootstrap line (docs/TERMINAL.md) from a stream without ever holding more than the cap:
 * the bytes up to LF, one CR at the end dropped. End of stream also ends a non-empty line (a client
 * may close instead of sending LF). Bytes are decoded as ISO-8859-1, so any non-ASCII byte stays
 * visible to the line parser, which refuses it.
 */
public final class BoundedLine {
  /** Bootstrap lines are at most 64 KiB without their terminator. */
  public static final int MAX_BYTES = 64 * 1024;

  private BoundedLine() {}

  /** The line was longer than the cap. */
  public static final class TooLongException extends IOException {
    TooLongException(int max) {
      super("line longer than " + max + " bytes");
    }
  }

  /**
   * The next line of {@code in}, at most {@code maxBytes} long (CR excluded).
   *
   * @throws EOFException when the stream ends before any byte
   * @throws TooLongException when no LF comes within the cap; reading stops there
   */
  public static String read(InputStream in, int maxBytes) throws IOException {
    // One extra byte for a CR before the LF.
    byte[] line = new byte[maxBytes + 1];
    int length = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (length == 0) {
          throw new EOFException("stream ended before a line");
        }
        break;
      }
      if (b == '\n') {
        break;
      }
      if (length == line.length) {
        throw new TooLongException(maxBytes);
      }
      line[length++] = (byte) b;
    }
    if (length > 0 && line[length - 1] == '\r') {
      length--;
    }
    if (length > maxBytes) {
      throw new TooLongException(maxBytes);
    }
    return new String(line, 0, length, StandardCharsets.ISO_8859_1);
  }
}
