package et.core.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/** Writes whole frames to a blocking channel. */
public final class FrameWriter {
  private FrameWriter() {}

  /** Writes all of {@code frame}; a blocking channel may take it in several writes. */
  public static void write(WritableByteChannel out, Frame frame) throws IOException {
    ByteBuffer wire = ByteBuffer.wrap(frame.wire(), frame.start(), frame.size());
    while (wire.hasRemaining()) {
      out.write(wire);
    }
  }
}
