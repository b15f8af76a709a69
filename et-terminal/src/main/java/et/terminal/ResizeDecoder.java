package et.terminal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads {@link ResizeEvent}s from the {@link TerminalChannels#RESIZE} channel's input, however the
 * stream splits the bytes. One reader thread; not thread-safe.
 */
public final class ResizeDecoder {
  private final InputStream in;
  private final byte[] event = new byte[ResizeEvent.BYTES];

  public ResizeDecoder(InputStream in) {
    this.in = Objects.requireNonNull(in, "in");
  }

  /**
   * The next event, blocking until its 4 bytes are in; empty when the stream ends between events.
   *
   * @throws EOFException when the stream ends inside an event
   * @throws IOException when an event has a zero size (the sender broke the format), or on I/O error
   */
  public Optional<ResizeEvent> next() throws IOException {
    int filled = 0;
    while (filled < event.length) {
      int count = in.read(event, filled, event.length - filled);
      if (count < 0) {
        if (filled == 0) {
          return Optional.empty();
        }
        throw new EOFException("resize stream ended inside an event, after " + filled + " of " + event.length + " bytes");
      }
      filled += count;
    }
    int cols = (event[0] & 0xff) << 8 | (event[1] & 0xff);
    int rows = (event[2] & 0xff) << 8 | (event[3] & 0xff);
    if (cols == 0 || rows == 0) {
      throw new IOException("resize event with a zero size: cols " + cols + ", rows " + rows);
    }
    return Optional.of(new ResizeEvent(cols, rows));
  }
}
