package et.bench;

import com.google.crypto.tink.aead.internal.InsecureNonceAesGcmJce;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The ceiling of any encrypted stream here: raw TCP as in {@link RawTcpTransport}, with every
 * write sealed as one frame (a 17-byte header as associated data, AES-256-GCM with the sequence
 * number as nonce, through Tink's {@code InsecureNonceAesGcmJce} as et.core uses it) and opened
 * by the reader; no acknowledgements, windows, backlog or channels.
 */
final class SealedTcpTransport implements Transport {
  private static final int HEADER_BYTES = 17;
  private static final int TAG_BYTES = 16;
  private static final int NONCE_BYTES = 12;

  @Override
  public String name() {
    return "gcm";
  }

  @Override
  public TransferTime transfer(long bytes) throws Exception {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return RawTcpTransport.transfer(
        bytes,
        out -> new Sealing(out, aead(key)),
        in -> new Opening(in, aead(key)));
  }

  private static InsecureNonceAesGcmJce aead(byte[] key) {
    try {
      return new InsecureNonceAesGcmJce(key);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is not available", e);
    }
  }

  private static byte[] nonce(long sequence) {
    return ByteBuffer.allocate(NONCE_BYTES).putLong(NONCE_BYTES - Long.BYTES, sequence).array();
  }

  /** Seals each write into one frame: header, then ciphertext and tag. */
  private static final class Sealing extends OutputStream {
    private final OutputStream out;
    private final InsecureNonceAesGcmJce aead;
    private long sequence;

    Sealing(OutputStream out, InsecureNonceAesGcmJce aead) {
      this.out = out;
      this.aead = aead;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      byte[] header = ByteBuffer.allocate(HEADER_BYTES)
          .put((byte) 1).putInt(1).putLong(sequence).putInt(length + TAG_BYTES).array();
      byte[] plain =
          offset == 0 && length == bytes.length ? bytes : Arrays.copyOfRange(bytes, offset, offset + length);
      try {
        byte[] sealed = aead.encrypt(nonce(sequence++), plain, header);
        out.write(header);
        out.write(sealed);
      } catch (GeneralSecurityException e) {
        throw new IOException(e);
      }
    }
  }

  /** Reads and opens frames one at a time. */
  private static final class Opening extends InputStream {
    private final DataInputStream in;
    private final InsecureNonceAesGcmJce aead;
    private final byte[] header = new byte[HEADER_BYTES];
    private byte[] plain = new byte[0];
    private int at;
    private long sequence;

    Opening(InputStream in, InsecureNonceAesGcmJce aead) {
      this.in = new DataInputStream(in);
      this.aead = aead;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (at == plain.length && !nextFrame()) {
        return -1;
      }
      int n = Math.min(length, plain.length - at);
      System.arraycopy(plain, at, buffer, offset, n);
      at += n;
      return n;
    }

    private boolean nextFrame() throws IOException {
      try {
        in.readFully(header);
      } catch (EOFException end) {
        return false;
      }
      int length = ByteBuffer.wrap(header, HEADER_BYTES - Integer.BYTES, Integer.BYTES).getInt();
      if (length < TAG_BYTES || length > OneWayTransfer.BUFFER_BYTES + TAG_BYTES) {
        throw new IOException("bad frame length " + length);
      }
      byte[] sealed = new byte[length];
      in.readFully(sealed);
      try {
        plain = aead.decrypt(nonce(sequence++), sealed, header);
      } catch (GeneralSecurityException e) {
        throw new IOException(e);
      }
      at = 0;
      return true;
    }
  }
}
