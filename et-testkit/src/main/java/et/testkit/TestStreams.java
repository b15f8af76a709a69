package et.testkit;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongUnaryOperator;

/** Input streams for tests: byte-by-byte delivery and generated streams that police how far they are read. */
public final class TestStreams {
  private TestStreams() {}

  /** Delivers {@code in} one byte per read call, as a slow pipe may. */
  public static InputStream oneByteAtATime(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        return length == 0 ? 0 : super.read(buffer, offset, 1);
      }
    };
  }

  /** Delivers {@code bytes} one per read call. */
  public static InputStream oneByteAtATime(byte[] bytes) {
    return oneByteAtATime(new ByteArrayInputStream(bytes));
  }

  /**
   * An endless (or {@code length}-byte) stream whose byte at position p is {@code byteAt(p)}, never
   * held in memory; a read past {@code failPast} bytes fails the test with an AssertionError.
   */
  public static GeneratedStream generated(long length, long failPast, LongUnaryOperator byteAt) {
    return new GeneratedStream(length, failPast, byteAt);
  }

  public static final class GeneratedStream extends InputStream {
    private final long length;
    private final long failPast;
    private final LongUnaryOperator byteAt;
    private long position;

    private GeneratedStream(long length, long failPast, LongUnaryOperator byteAt) {
      this.length = length;
      this.failPast = failPast;
      this.byteAt = byteAt;
    }

    /** How many bytes were read. */
    public long position() {
      return position;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) {
      if (position >= length) {
        return -1;
      }
      int n = (int) Math.min(count, length - position);
      if (position + n > failPast) {
        throw new AssertionError("read past " + failPast + " bytes: asked for bytes up to " + (position + n));
      }
      for (int i = 0; i < n; i++) {
        buffer[offset + i] = (byte) byteAt.applyAsLong(position++);
      }
      return n;
    }
  }
}
