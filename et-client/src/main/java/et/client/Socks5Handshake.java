package et.client;

import et.terminal.forward.Endpoint;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The proxy's side of a SOCKS5 handshake (RFC 1928), on streams, without authentication: {@link
 * #accept} reads the client's greeting and answers it, reads its request and returns the target;
 * once the target is reached or not, {@link #writeReply} answers the request.
 *
 * <ol>
 *   <li>Greeting: {@code VER=5, NMETHODS, METHODS}; answered {@code 5, 0} (no authentication) when
 *       method 0 is offered, else {@code 5, 0xFF} and refused.
 *   <li>Request: {@code VER=5, CMD, RSV, ATYP, DST.ADDR, DST.PORT}. Only CMD 1 (CONNECT) is served,
 *       else reply 7; ATYP 1 (IPv4), 3 (a name, sent on as it is, to be resolved by the session
 *       host) or 4 (IPv6), else reply 8; an empty or malformed name, or port 0, gets reply 1.
 *   <li>Reply: {@code 5, REP, 0, ATYP=1, BND.ADDR=0.0.0.0, BND.PORT=0}: the proxy does not tell
 *       where the host's connection comes from.
 * </ol>
 *
 * Every length in the protocol is one byte, so nothing read is longer than 255 bytes. A version
 * other than 5 (SOCKS4, or no SOCKS at all) gets no answer. Each refusal is a {@link Refused}
 * thrown after what the protocol answers has been written; a short read is an {@link
 * java.io.EOFException}.
 */
final class Socks5Handshake {
  /** The reply codes (REP) this proxy sends. */
  enum Reply {
    SUCCEEDED(0),
    GENERAL_FAILURE(1),
    COMMAND_NOT_SUPPORTED(7),
    ADDRESS_TYPE_NOT_SUPPORTED(8);

    final int code;

    Reply(int code) {
      this.code = code;
    }
  }

  /** The client asked for what this proxy does not serve, or spoke another protocol; the message says what. */
  static final class Refused extends IOException {
    Refused(String message) {
      super(message);
    }
  }

  private static final int VERSION = 5;
  private static final int NO_AUTHENTICATION = 0;
  private static final int NO_ACCEPTABLE_METHOD = 0xFF;
  private static final int CONNECT = 1;
  private static final int IPV4 = 1;
  private static final int DOMAIN_NAME = 3;
  private static final int IPV6 = 4;

  private Socks5Handshake() {}

  /** Reads the greeting and the request, answering what needs an answer before the target is tried. */
  static Endpoint.Tcp accept(InputStream in, OutputStream out) throws IOException {
    DataInputStream data = new DataInputStream(in);
    requireVersion(data.readUnsignedByte(), "greeting");
    byte[] methods = new byte[data.readUnsignedByte()];
    data.readFully(methods);
    if (!offersNoAuthentication(methods)) {
      out.write(new byte[] {VERSION, (byte) NO_ACCEPTABLE_METHOD});
      out.flush();
      throw new Refused("no acceptable method among [" + HexFormat.ofDelimiter(",").formatHex(methods) + "]");
    }
    out.write(new byte[] {VERSION, NO_AUTHENTICATION});
    out.flush();

    requireVersion(data.readUnsignedByte(), "request");
    int command = data.readUnsignedByte();
    data.readUnsignedByte(); // RSV
    int addressType = data.readUnsignedByte();
    if (command != CONNECT) {
      throw refuse(out, Reply.COMMAND_NOT_SUPPORTED, "command " + command + " (only 1, CONNECT, is served)");
    }
    String host = switch (addressType) {
      case IPV4 -> InetAddress.getByAddress(readBytes(data, 4)).getHostAddress();
      case IPV6 -> InetAddress.getByAddress(readBytes(data, 16)).getHostAddress();
      // ISO-8859-1 maps each byte to one char, so a byte outside host names is refused below, not replaced.
      case DOMAIN_NAME -> new String(readBytes(data, data.readUnsignedByte()), StandardCharsets.ISO_8859_1);
      default -> throw refuse(out, Reply.ADDRESS_TYPE_NOT_SUPPORTED, "address type " + addressType);
    };
    int port = data.readUnsignedShort();
    try {
      return new Endpoint.Tcp(host, port);
    } catch (IllegalArgumentException e) {
      throw refuse(out, Reply.GENERAL_FAILURE, e.getMessage());
    }
  }

  /** Answers the request with {@code reply}. */
  static void writeReply(OutputStream out, Reply reply) throws IOException {
    out.write(new byte[] {VERSION, (byte) reply.code, 0, IPV4, 0, 0, 0, 0, 0, 0});
    out.flush();
  }

  private static void requireVersion(int version, String what) throws Refused {
    if (version != VERSION) {
      throw new Refused("a " + what + " of SOCKS version " + version + ", not 5");
    }
  }

  private static boolean offersNoAuthentication(byte[] methods) {
    for (byte method : methods) {
      if (method == NO_AUTHENTICATION) {
        return true;
      }
    }
    return false;
  }

  private static byte[] readBytes(DataInputStream data, int length) throws IOException {
    byte[] bytes = new byte[length];
    data.readFully(bytes);
    return bytes;
  }

  private static Refused refuse(OutputStream out, Reply reply, String why) throws IOException {
    writeReply(out, reply);
    return new Refused(why + ": reply " + reply.code);
  }
}
