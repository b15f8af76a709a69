package et.terminal.forward;

import et.terminal.Shown;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * One end of a forwarded connection: a TCP host and port, or a unix socket path. The client names
 * the target of each {@link et.terminal.TerminalChannels#FORWARD} channel with one (docs/TERMINAL.md,
 * "Forwarded connections"): {@code u8 kind} (1 TCP, 2 unix), then for TCP {@code u16 length, host
 * (UTF-8), u16 port}, for unix {@code u16 length, path (UTF-8)}; every length is checked before
 * anything is allocated.
 */
public sealed interface Endpoint {
  /** Host names and IP literals: at most this many bytes. */
  int MAX_HOST_BYTES = 255;
  /** Unix socket paths: what sun_path holds, less its terminating NUL. */
  int MAX_PATH_BYTES = 107;

  /** A host name (or IPv4/IPv6 literal, without brackets) and a port in 1..65535. */
  record Tcp(String host, int port) implements Endpoint {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:%-]+");

    public Tcp {
      if (host.isEmpty() || host.getBytes(StandardCharsets.UTF_8).length > MAX_HOST_BYTES || !HOST.matcher(host).matches()) {
        throw new IllegalArgumentException("not a host name or address: " + Shown.value(host));
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port out of 1..65535: " + port);
      }
    }

    @Override
    public SocketAddress address() {
      return new InetSocketAddress(host, port);
    }

    /** "host:port", with an IPv6 literal in brackets. */
    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /** An absolute unix socket path. */
  record Unix(String path) implements Endpoint {
    public Unix {
      if (!path.startsWith("/") || path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES
          || path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        throw new IllegalArgumentException(
            "not an absolute unix socket path of at most " + MAX_PATH_BYTES + " bytes: " + Shown.value(path));
      }
    }

    @Override
    public SocketAddress address() {
      return UnixDomainSocketAddress.of(path);
    }

    @Override
    public String toString() {
      return path;
    }
  }

  /** Where to connect or listen: a resolved TCP address, or the unix socket's. */
  SocketAddress address();

  /** A loopback TCP endpoint on {@code port}: the default bind address of a listener. */
  static Tcp loopback(int port) {
    return new Tcp(InetAddress.getLoopbackAddress().getHostAddress(), port);
  }

  /** Writes this endpoint as a forward channel's request. */
  default void writeTo(OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    switch (this) {
      case Tcp tcp -> {
        data.writeByte(1);
        writeText(data, tcp.host());
        data.writeShort(tcp.port());
      }
      case Unix unix -> {
        data.writeByte(2);
        writeText(data, unix.path());
      }
    }
    data.flush();
  }

  /**
   * Reads a forward channel's request.
   *
   * @throws IOException at a short read, an unknown kind, a length over its cap, or a value the
   *     records refuse (the message says which)
   */
  static Endpoint readFrom(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int kind = data.read();
    try {
      return switch (kind) {
        case 1 -> new Tcp(readText(data, MAX_HOST_BYTES), readU16(data));
        case 2 -> new Unix(readText(data, MAX_PATH_BYTES));
        case -1 -> throw new EOFException("no forward request");
        default -> throw new IOException("unknown endpoint kind " + kind);
      };
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage());
    }
  }

  private static void writeText(DataOutputStream data, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    data.writeShort(bytes.length);
    data.write(bytes);
  }

  private static String readText(DataInputStream data, int maxBytes) throws IOException {
    int length = readU16(data);
    if (length > maxBytes) {
      throw new IOException("endpoint of " + length + " bytes, more than " + maxBytes);
    }
    byte[] bytes = data.readNBytes(length);
    if (bytes.length < length) {
      throw cutShort();
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** A length or port; DataInputStream's own EOFException has no message to refuse with. */
  private static int readU16(DataInputStream data) throws IOException {
    try {
      return data.readUnsignedShort();
    } catch (EOFException e) {
      throw cutShort();
    }
  }

  private static EOFException cutShort() {
    return new EOFException("forward request cut short");
  }
}
