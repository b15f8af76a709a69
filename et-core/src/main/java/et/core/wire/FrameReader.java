package et.core.wire;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads whole frames from a blocking channel, checking every header before allocating its body.
 * One reader per connection, used by one thread at a time (the handshake's, then the
 * socket-reader).
 */
public final class FrameReader {
  private final ReadableByteChannel in;
  /** Reused for every header: its bytes are copied into the frame. */
  private final ByteBuffer header = ByteBuffer.allocate(FrameHeader.BYTES);

  public FrameReader(ReadableByteChannel in) {
    this.in = in;
  }

  /** The next frame; EOFException when the peer closed cleanly between frames. */
  public Frame read() throws IOException {
    header.clear();
    if (in.read(header) < 0) {
      throw new EOFException("connection closed by peer");
    }
    readFully(header);
    FrameHeader decoded = FrameHeader.decode(header.array());
    byte[] wire = new byte[FrameHeader.BYTES + decoded.length()];
    System.arraycopy(header.array(), 0, wire, 0, FrameHeader.BYTES);
    readFully(ByteBuffer.wrap(wire, FrameHeader.BYTES, decoded.length()));
    return new Frame(decoded, wire);
  }

  private void readFully(ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      if (in.read(buffer) < 0) {
        throw new EOFException("connection closed mid-frame");
      }
    }
  }
}
