package et.terminal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds etterminal's answer in ssh's stdout, among whatever the remote shell prints around it
 * (docs/TERMINAL.md): the first line that starts with {@code ET1 }, parses as a {@link
 * BootstrapReply} and carries the expected nonce. Other {@code ET1 } lines (another nonce, or
 * unparseable and without our nonce) are noise; a line with our nonce that does not parse is an
 * error, never skipped.
 *
 * <p>Reads at most {@link #MAX_TOTAL_BYTES} bytes and {@link #MAX_LINES} lines, and never reads a
 * byte past the byte cap. Memory is bounded whatever the stream holds: one read buffer plus one line
 * buffer of {@link #MAX_LINE_BYTES} + 1 bytes; the rest of a longer line is read and dropped. A
 * line ends at LF; one CR before the LF is dropped. Bytes read after the reply line are discarded.
 *
 * <p>Single use, one thread: after {@link #scan} returns, {@link #ending()} tells why it stopped and
 * {@link #noise()} shows the last noise lines for diagnostics.
 */
public final class ReplyScanner {
  public static final int MAX_TOTAL_BYTES = 1 << 20;
  public static final int MAX_LINES = 10_000;
  public static final int MAX_LINE_BYTES = BootstrapLine.MAX_LINE_BYTES;
  /** How many noise lines {@link #noise()} keeps (the last ones), and how much of each. */
  public static final int NOISE_KEPT = 20;
  public static final int NOISE_SHOWN_CHARS = 200;

  private static final byte[] PREFIX = BootstrapLine.PREFIX.getBytes(StandardCharsets.US_ASCII);
  private static final int READ_CHUNK = 8192;

  /** Why {@link #scan} stopped. */
  public enum Ending {
    /** It found the reply. */
    REPLY,
    /** The stream ended first. */
    END_OF_STREAM,
    /** It read {@link #MAX_TOTAL_BYTES} bytes without a reply. */
    BYTE_CAP,
    /** It read {@link #MAX_LINES} lines without a reply. */
    LINE_CAP
  }

  private final BootstrapNonce expected;
  private final String expectedHex;
  private final ArrayDeque<String> noise = new ArrayDeque<>();
  private final byte[] line = new byte[MAX_LINE_BYTES + 1]; // + 1: room for a CR before the LF
  private int lineLength;
  private boolean lineTooLong;
  private long bytesRead;
  private int linesRead;
  private int noiseLines;
  private Ending ending;

  public ReplyScanner(BootstrapNonce expected) {
    this.expected = Objects.requireNonNull(expected, "expected");
    this.expectedHex = expected.toString();
  }

  /**
   * Reads {@code in} until the reply with the expected nonce, the end of the stream or a cap.
   *
   * @return the reply, or empty when the stream ended or a cap was reached first (see {@link #ending()})
   * @throws BootstrapException when a line with the expected nonce is not a well-formed reply
   */
  public Optional<BootstrapReply> scan(InputStream in) throws IOException, BootstrapException {
    if (ending != null) {
      throw new IllegalStateException("a ReplyScanner scans one stream once");
    }
    byte[] chunk = new byte[READ_CHUNK];
    while (true) {
      int room = (int) Math.min(chunk.length, MAX_TOTAL_BYTES - bytesRead);
      if (room == 0) {
        return stop(Ending.BYTE_CAP); // a partial line at the cap is not an answer: it has no end
      }
      int count = in.read(chunk, 0, room);
      if (count < 0) {
        if (lineLength > 0 || lineTooLong) {
          // etterminal should end its line, but a last unterminated line is still examined.
          linesRead++;
          Optional<BootstrapReply> reply = examineLine();
          if (reply.isPresent()) {
            return reply;
          }
        }
        return stop(Ending.END_OF_STREAM);
      }
      bytesRead += count;
      for (int i = 0; i < count; i++) {
        byte b = chunk[i];
        if (b == '\n') {
          linesRead++;
          Optional<BootstrapReply> reply = examineLine();
          if (reply.isPresent()) {
            return reply;
          }
          if (linesRead == MAX_LINES) {
            return stop(Ending.LINE_CAP);
          }
        } else if (lineLength < line.length) {
          line[lineLength++] = b;
        } else {
          lineTooLong = true; // the rest of the line is dropped as it comes
        }
      }
    }
  }

  /** Why {@link #scan} stopped; null before it did. */
  public Ending ending() {
    return ending;
  }

  /**
   * The last {@value #NOISE_KEPT} non-empty noise lines, oldest first, each escaped and cut to
   * {@value #NOISE_SHOWN_CHARS} characters, with any {@code secret=} value hidden.
   */
  public List<String> noise() {
    return List.copyOf(noise);
  }

  /** How many lines were noise (all of them, not only those {@link #noise()} keeps). */
  public int noiseLines() {
    return noiseLines;
  }

  public long bytesRead() {
    return bytesRead;
  }

  public int linesRead() {
    return linesRead;
  }

  private Optional<BootstrapReply> stop(Ending why) {
    ending = why;
    return Optional.empty();
  }

  /** Decides what the buffered line is, then clears the buffer for the next one. */
  private Optional<BootstrapReply> examineLine() throws BootstrapException {
    int length = lineLength;
    if (!lineTooLong && length > 0 && line[length - 1] == '\r') {
      length--;
    }
    boolean tooLong = lineTooLong || length > MAX_LINE_BYTES;
    lineLength = 0;
    lineTooLong = false;

    if (!startsWithPrefix(length)) {
      keepNoise(length, tooLong);
      return Optional.empty();
    }
    // ISO-8859-1 maps each byte to one char; the parser refuses anything but printable ASCII.
    String text = new String(line, 0, Math.min(length, MAX_LINE_BYTES), StandardCharsets.ISO_8859_1);
    boolean ours = text.toLowerCase(Locale.ROOT).contains(expectedHex);
    if (tooLong) {
      if (ours) {
        throw malformed("the line is longer than " + MAX_LINE_BYTES + " bytes");
      }
      keepNoise(length, true);
      return Optional.empty();
    }
    try {
      BootstrapReply reply = BootstrapReply.parse(text);
      if (reply.nonce().equals(expected)) {
        ending = Ending.REPLY;
        return Optional.of(reply);
      }
    } catch (BootstrapException e) {
      if (ours) {
        throw malformed(e.getMessage());
      }
    }
    keepNoise(length, false); // another bootstrap's answer, or a copy of a marker
    return Optional.empty();
  }

  private static BootstrapException malformed(String why) {
    return new BootstrapException("etterminal sent a malformed answer: " + why);
  }

  private boolean startsWithPrefix(int length) {
    if (length < PREFIX.length) {
      return false;
    }
    for (int i = 0; i < PREFIX.length; i++) {
      if (line[i] != PREFIX[i]) {
        return false;
      }
    }
    return true;
  }

  private void keepNoise(int length, boolean tooLong) {
    noiseLines++;
    if (length == 0) {
      return;
    }
    // Decode at most 4 bytes per shown character: a noise line is for a human glancing at a report.
    int decoded = Math.min(length, 4 * NOISE_SHOWN_CHARS);
    String text = new String(line, 0, decoded, StandardCharsets.UTF_8).replaceAll("secret=[^ ]*", "secret=<hidden>");
    StringBuilder shown = new StringBuilder();
    text.codePoints().limit(NOISE_SHOWN_CHARS).forEach(c -> appendEscaped(shown, c));
    if (tooLong) {
      shown.append("... (line cut, longer than " + MAX_LINE_BYTES + " bytes)");
    } else if (decoded < length || text.codePointCount(0, text.length()) > NOISE_SHOWN_CHARS) {
      shown.append("...");
    }
    if (noise.size() == NOISE_KEPT) {
      noise.removeFirst();
    }
    noise.addLast(shown.toString());
  }

  // Noise is shown to a user: control characters must not reach their terminal as such.
  private static void appendEscaped(StringBuilder out, int c) {
    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
      out.append(String.format("\\x%02x", c));
    } else {
      out.appendCodePoint(c);
    }
  }
}
