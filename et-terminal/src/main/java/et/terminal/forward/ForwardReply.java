package et.terminal.forward;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The server's answer on a {@link et.terminal.TerminalChannels#FORWARD} channel once it has tried the target
 * (docs/TERMINAL.md): {@code u8 0} connected, or {@code u8 1, u16 length, reason (UTF-8, at most
 * 256 bytes)} refused, after which the server closes the channel.
 */
public final class ForwardReply {
  /** A refusal's reason: at most this many bytes. */
  public static final int MAX_REASON_BYTES = 256;

  private ForwardReply() {}

  /** Writes "connected". */
  public static void writeConnected(OutputStream out) throws IOException {
    out.write(0);
    out.flush();
  }

  /** Writes a refusal with {@code reason}, cut to its cap. */
  public static void writeRefused(OutputStream out, String reason) throws IOException {
    byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
    bytes = Arrays.copyOf(bytes, Math.min(bytes.length, MAX_REASON_BYTES));
    DataOutputStream data = new DataOutputStream(out);
    data.writeByte(1);
    data.writeShort(bytes.length);
    data.write(bytes);
    data.flush();
  }

  /**
   * Reads the answer: empty when connected, else the refusal's reason (remote text: show it
   * escaped).
   *
   * @throws IOException at a short read, an unknown status or an over-long reason
   */
  public static Optional<String> read(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int status = data.read();
    switch (status) {
      case 0 -> {
        return Optional.empty();
      }
      case 1 -> {
        int length;
        try {
          length = data.readUnsignedShort();
        } catch (EOFException e) { // DataInputStream's has no message to show
          throw cutShort();
        }
        if (length > MAX_REASON_BYTES) {
          throw new IOException("a refusal of " + length + " bytes, more than " + MAX_REASON_BYTES);
        }
        byte[] reason = data.readNBytes(length);
        if (reason.length < length) {
          throw cutShort();
        }
        return Optional.of(new String(reason, StandardCharsets.UTF_8));
      }
      case -1 -> throw new EOFException("the channel ended before the server answered");
      default -> throw new IOException("unknown forward status " + status);
    }
  }

  private static EOFException cutShort() {
    return new EOFException("refusal cut short");
  }
}
