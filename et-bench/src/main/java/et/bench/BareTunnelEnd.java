package et.bench;

import com.google.crypto.tink.aead.internal.InsecureNonceAesGcmJce;
import et.core.wire.FrameType;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One end of the least a tunnel between two processes can do, {@code TunnelBenchmark}'s ceilings:
 * each connection accepted on a loopback port is forwarded to {@code TARGET_PORT} by a platform
 * thread per direction on blocking channels; no channels, windows, backlog or acknowledgements.
 * {@code BareTunnelEnd seal|open TARGET_PORT}: the client's end seals what it accepts into frames
 * (a 17-byte header as associated data, AES-256-GCM with the sequence number as nonce, through
 * Tink's {@code InsecureNonceAesGcmJce} as et.core uses it, at most {@link FrameType#MAX_DATA_BYTES}) and
 * opens what comes back; the host's end the other way round. {@code BareTunnelEnd copy
 * TARGET_PORT}: only copies, unencrypted, through a direct buffer (no copy in this JVM at all).
 * Reads {@code KEY <hex>} from stdin (a key never goes on a command line; {@code copy} ignores it),
 * prints {@code PORT <port>}, and exits at {@code EXIT} or the end of stdin.
 */
public final class BareTunnelEnd {
  /** What one frame carries at most: et.core's own limit. */
  private static final int FRAME_BYTES = FrameType.MAX_DATA_BYTES;
  /** Larger than a frame: unencrypted copying goes fastest from this size on here (docs/BENCHMARKS.md). */
  private static final int COPY_BUFFER_BYTES = 256 * 1024;
  private static final int HEADER_BYTES = 17;
  private static final int TAG_BYTES = 16;
  private static final int NONCE_BYTES = 12;

  public static void main(String[] args) throws Exception {
    if (args.length != 2 || !List.of("seal", "open", "copy").contains(args[0])) {
      System.err.println("usage: BareTunnelEnd seal|open|copy TARGET_PORT");
      System.exit(2);
    }
    String mode = args[0];
    var target = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[1]));
    var commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String keyLine = commands.readLine();
    if (keyLine == null || !keyLine.startsWith("KEY ")) {
      throw new IOException("expected KEY <hex> on stdin");
    }
    byte[] key = HexFormat.of().parseHex(keyLine.substring(4));
    var listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread.ofPlatform().daemon().name("accept").start(() -> accept(listener, target, mode, key));
    System.out.println("PORT " + listener.socket().getLocalPort());
    System.out.flush();
    for (String line; (line = commands.readLine()) != null && !line.equals("EXIT"); ) {
      // until told to go
    }
    System.exit(0);
  }

  private static void accept(ServerSocketChannel listener, InetSocketAddress target, String mode, byte[] key) {
    while (true) {
      try {
        SocketChannel accepted = listener.accept();
        SocketChannel onward = SocketChannel.open(target);
        for (SocketChannel channel : new SocketChannel[] {accepted, onward}) {
          channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
        String back = switch (mode) {
          case "seal" -> "open";
          case "open" -> "seal";
          default -> mode;
        };
        var directionsLeft = new AtomicInteger(2);
        Thread.ofPlatform().daemon().start(() -> pump(accepted, onward, mode, key, directionsLeft));
        Thread.ofPlatform().daemon().start(() -> pump(onward, accepted, back, key, directionsLeft));
      } catch (IOException e) {
        System.err.println("BareTunnelEnd: " + e);
        return;
      }
    }
  }

  /**
   * Seals, opens or copies everything {@code from} sends to {@code to}, and passes on the end; the
   * last of a connection's two directions to end closes both sockets.
   */
  private static void pump(SocketChannel from, SocketChannel to, String mode, byte[] key, AtomicInteger directionsLeft) {
    try (var ends = new Closing(from, to, directionsLeft)) {
      switch (mode) {
        case "seal" -> sealAll(from, to, new InsecureNonceAesGcmJce(key));
        case "open" -> openAll(from, to, new InsecureNonceAesGcmJce(key));
        default -> copyAll(from, to);
      }
      to.shutdownOutput();
    } catch (IOException | GeneralSecurityException e) {
      System.err.println("BareTunnelEnd: " + e);
      try (from; to) {
        // a failed direction ends the whole connection
      } catch (IOException ignored) {
        // nothing more to do
      }
    }
  }

  /** Closes both sockets when the last of the two directions ends. */
  private record Closing(SocketChannel from, SocketChannel to, AtomicInteger directionsLeft) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      if (directionsLeft.decrementAndGet() == 0) {
        try (from; to) {
          // both directions are done
        }
      }
    }
  }

  private static void copyAll(SocketChannel from, SocketChannel to) throws IOException {
    var buffer = ByteBuffer.allocateDirect(COPY_BUFFER_BYTES);
    while (from.read(buffer) >= 0) {
      buffer.flip();
      while (buffer.hasRemaining()) {
        to.write(buffer);
      }
      buffer.clear();
    }
  }

  private static void sealAll(SocketChannel from, SocketChannel to, InsecureNonceAesGcmJce aead)
      throws IOException, GeneralSecurityException {
    byte[] plain = new byte[FRAME_BYTES];
    var plainBuffer = ByteBuffer.wrap(plain);
    for (long sequence = 0; ; sequence++) {
      plainBuffer.clear();
      int length = from.read(plainBuffer);
      if (length < 0) {
        return;
      }
      byte[] header = ByteBuffer.allocate(HEADER_BYTES)
          .put((byte) 1).putInt(1).putLong(sequence).putInt(length + TAG_BYTES).array();
      byte[] sealed = aead.encrypt(nonce(sequence), length == FRAME_BYTES ? plain : Arrays.copyOf(plain, length), header);
      ByteBuffer[] frame = {ByteBuffer.wrap(header), ByteBuffer.wrap(sealed)};
      while (frame[1].hasRemaining()) {
        to.write(frame);
      }
    }
  }

  private static void openAll(SocketChannel from, SocketChannel to, InsecureNonceAesGcmJce aead)
      throws IOException, GeneralSecurityException {
    var header = ByteBuffer.allocate(HEADER_BYTES);
    for (long sequence = 0; ; sequence++) {
      header.clear();
      if (!readFully(from, header, true)) {
        return;
      }
      int length = header.getInt(HEADER_BYTES - Integer.BYTES);
      if (length < TAG_BYTES || length > FRAME_BYTES + TAG_BYTES) {
        throw new IOException("bad frame length " + length);
      }
      var sealed = ByteBuffer.allocate(length);
      readFully(from, sealed, false);
      var plain = ByteBuffer.wrap(aead.decrypt(nonce(sequence), sealed.array(), header.array()));
      while (plain.hasRemaining()) {
        to.write(plain);
      }
    }
  }

  /** False at the end of the stream before the first byte, if {@code endAllowed}. */
  private static boolean readFully(SocketChannel from, ByteBuffer buffer, boolean endAllowed) throws IOException {
    while (buffer.hasRemaining()) {
      if (from.read(buffer) < 0) {
        if (endAllowed && buffer.position() == 0) {
          return false;
        }
        throw new EOFException("the stream ended inside a frame");
      }
    }
    return true;
  }

  private static byte[] nonce(long sequence) {
    return ByteBuffer.allocate(NONCE_BYTES).putLong(NONCE_BYTES - Long.BYTES, sequence).array();
  }
}
