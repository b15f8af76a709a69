package et.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A reproducible stream of pseudo-random bytes, {@code length} of them from {@code seed}. It is
 * generated block by block, so a writer and a checker on the other end agree byte for byte without
 * either holding the whole stream.
 */
public final class SeededStream {
  /** Generation block; a multiple of 4 so the generator's output does not depend on it. */
  private static final int BLOCK_BYTES = 64 * 1024;

  private final long seed;
  private final long length;

  public SeededStream(long seed, long length) {
    this.seed = seed;
    this.length = length;
  }

  public long length() {
    return length;
  }

  /** The whole stream in memory; for small streams. */
  public byte[] toByteArray() {
    byte[] all = new byte[Math.toIntExact(length)];
    Generator generator = new Generator();
    for (int i = 0; i < all.length; i++) {
      all[i] = generator.next();
    }
    return all;
  }

  /** Writes the stream to {@code out} in writes of {@code pieceBytes}; returns its SHA-256. */
  public byte[] writeTo(OutputStream out, int pieceBytes) throws IOException {
    MessageDigest digest = sha256();
    Random random = new Random(seed);
    byte[] block = new byte[BLOCK_BYTES];
    for (long done = 0; done < length; ) {
      random.nextBytes(block);
      int blockLength = (int) Math.min(BLOCK_BYTES, length - done);
      digest.update(block, 0, blockLength);
      for (int offset = 0; offset < blockLength; offset += pieceBytes) {
        out.write(block, offset, Math.min(pieceBytes, blockLength - offset));
      }
      done += blockLength;
    }
    return digest.digest();
  }

  /** What a reader saw, compared with the stream it expected. */
  public record Check(long count, byte[] sha256, long firstMismatch) {
    public boolean intact(SeededStream expected) {
      return count == expected.length && firstMismatch < 0;
    }

    @Override
    public String toString() {
      return "read " + count + " bytes" + (firstMismatch >= 0 ? ", first wrong byte at " + firstMismatch : "");
    }
  }

  /**
   * Reads {@code in} to its end, digesting everything and comparing it with this stream; {@code
   * progress} counts bytes read so far.
   */
  public Check readFrom(InputStream in, AtomicLong progress) throws IOException {
    MessageDigest digest = sha256();
    Generator expected = new Generator();
    byte[] buffer = new byte[BLOCK_BYTES];
    long count = 0;
    long firstMismatch = -1;
    while (true) {
      int n = in.read(buffer);
      if (n < 0) {
        break;
      }
      digest.update(buffer, 0, n);
      for (int i = 0; i < n && firstMismatch < 0; i++) {
        if (count + i >= length || buffer[i] != expected.next()) {
          firstMismatch = count + i;
        }
      }
      count += n;
      progress.addAndGet(n);
    }
    return new Check(count, digest.digest(), firstMismatch);
  }

  /**
   * Throws an AssertionError naming {@code what} unless {@code received} is this whole stream:
   * every byte once and in order, and the SHA-256 its writer computed ({@code sentSha256}).
   */
  public void assertReceived(String what, byte[] sentSha256, Check received) {
    if (received.firstMismatch() >= 0 || received.count() != length) {
      throw new AssertionError(what + ": " + received + " of " + length);
    }
    if (!MessageDigest.isEqual(sentSha256, received.sha256())) {
      throw new AssertionError(what + ": SHA-256 of what was read differs from what was written");
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The stream's bytes one at a time, generated in the same blocks as {@link #writeTo}. */
  private final class Generator {
    private final Random random = new Random(seed);
    private final byte[] block = new byte[BLOCK_BYTES];
    private int next = BLOCK_BYTES;

    byte next() {
      if (next == BLOCK_BYTES) {
        random.nextBytes(block);
        next = 0;
      }
      return block[next++];
    }
  }
}
