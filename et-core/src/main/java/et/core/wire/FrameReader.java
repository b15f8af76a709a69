package et.core.wire;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;

/**
 * Reads whole frames from a blocking channel, checking every header before allocating its body.
 * One reader per connection, used by one thread at a time (the handshake's, then the
 * socket-reader).
 *
 * <p>{@link #read} gives each frame an array of its own; {@link #readReused} reads into one array
 * it reuses, for the socket-reader, which is done with each frame before it reads the next: no
 * array to allocate and zero per bulk frame (docs/BENCHMARKS.md). That array grows with the largest
 * frame read so far, so a connection that carries only small frames keeps a small one.
 */
public final class FrameReader {
  private final ReadableByteChannel in;
  /** Reused for every header: its bytes are copied into the frame. */
  private final ByteBuffer header = ByteBuffer.allocate(FrameHeader.BYTES);

  public FrameReader(ReadableByteChannel in) {
    this.in = in;
  }

  /** The largest frame of any type, header included. */
  private static final int MAX_FRAME_BYTES =
      FrameHeader.BYTES + Arrays.stream(FrameType.values()).mapToInt(type -> type.maxBody).max().orElseThrow();

  /** The smallest array {@link #readReused} makes. */
  private static final int MIN_REUSED_BYTES = 4096;

  /** {@link #readReused}'s array: made at its first call, replaced by a larger one as frames need. */
  private byte[] reused;

  /** The next frame, in an array of its own; EOFException when the peer closed cleanly between frames. */
  public Frame read() throws IOException {
    FrameHeader decoded = readHeader();
    return readBody(decoded, new byte[FrameHeader.BYTES + decoded.length()]);
  }

  /**
   * The next frame, like {@link #read}, in an array this reader reuses: the frame is good until
   * the next call.
   */
  public Frame readReused() throws IOException {
    FrameHeader decoded = readHeader();
    int needed = FrameHeader.BYTES + decoded.length();
    if (reused == null || reused.length < needed) {
      reused = new byte[reusedBytes(needed)];
    }
    return readBody(decoded, reused);
  }

  /** A power of two from {@link #MIN_REUSED_BYTES} that holds {@code needed} (a header at least), or the largest frame. */
  private static int reusedBytes(int needed) {
    int powerOfTwo = Integer.highestOneBit(needed - 1) << 1;
    return Math.min(MAX_FRAME_BYTES, Math.max(MIN_REUSED_BYTES, powerOfTwo));
  }

  private FrameHeader readHeader() throws IOException {
    header.clear();
    if (in.read(header) < 0) {
      throw new EOFException("connection closed by peer");
    }
    readFully(header);
    return FrameHeader.decode(header.array());
  }

  /** Reads the body into the end of {@code wire}, the header just before it. */
  private Frame readBody(FrameHeader decoded, byte[] wire) throws IOException {
    int start = wire.length - FrameHeader.BYTES - decoded.length();
    System.arraycopy(header.array(), 0, wire, start, FrameHeader.BYTES);
    readFully(ByteBuffer.wrap(wire, start + FrameHeader.BYTES, decoded.length()));
    return new Frame(decoded, wire, start);
  }

  private void readFully(ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      if (in.read(buffer) < 0) {
        throw new EOFException("connection closed mid-frame");
      }
    }
  }
}
