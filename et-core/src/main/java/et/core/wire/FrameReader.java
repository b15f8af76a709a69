package et.core.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Reads whole frames from a blocking stream, checking every header before allocating its body. */
public final class FrameReader {
  private final InputStream in;

  public FrameReader(InputStream in) {
    this.in = in;
  }

  /** The next frame; EOFException when the peer closed cleanly between frames. */
  public Frame read() throws IOException {
    byte[] headerBytes = new byte[FrameHeader.BYTES];
    int first = in.read(headerBytes, 0, FrameHeader.BYTES);
    if (first < 0) {
      throw new EOFException("connection closed by peer");
    }
    readFully(headerBytes, first, FrameHeader.BYTES - first);
    FrameHeader header = FrameHeader.decode(headerBytes);
    byte[] wire = new byte[FrameHeader.BYTES + header.length()];
    System.arraycopy(headerBytes, 0, wire, 0, FrameHeader.BYTES);
    readFully(wire, FrameHeader.BYTES, header.length());
    return new Frame(header, wire);
  }

  private void readFully(byte[] buffer, int offset, int length) throws IOException {
    int done = 0;
    while (done < length) {
      int n = in.read(buffer, offset + done, length - done);
      if (n < 0) {
        throw new EOFException("connection closed mid-frame");
      }
      done += n;
    }
  }
}
