package et.client.cli;

import et.terminal.forward.Endpoint;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses a {@code -D} spec into the TCP endpoint a SOCKS proxy listens on: {@code port} (on
 * 127.0.0.1, as ssh does), {@code bind:port}, or {@code [ipv6]:port}. A bad spec throws an {@link
 * IllegalArgumentException} naming it and what is wrong.
 */
public final class SocksSpec {
  private static final Pattern PORT = Pattern.compile("\\d{1,5}");
  private static final String FORMS = "expected port, bind:port or [ipv6]:port";

  private SocksSpec() {}

  /** Where the proxy of {@code spec} listens. */
  public static Endpoint.Tcp parse(String spec) {
    try {
      return parseOne(spec.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad SOCKS proxy \"" + spec.strip() + "\": " + e.getMessage());
    }
  }

  private static Endpoint.Tcp parseOne(String spec) {
    if (spec.isEmpty()) {
      throw new IllegalArgumentException("empty");
    }
    if (TunnelSpec.isPath(spec)) {
      throw new IllegalArgumentException("a SOCKS proxy listens on TCP, not on a unix socket");
    }
    // Before splitting, which would find an unbracketed IPv6 address's empty fields.
    if (!spec.contains("[") && spec.indexOf(':') != spec.lastIndexOf(':')) {
      throw new IllegalArgumentException(FORMS);
    }
    List<String> parts = TunnelSpec.split(spec);
    if (parts.size() > 2) {
      throw new IllegalArgumentException(FORMS);
    }
    if (parts.size() == 1) {
      return Endpoint.loopback(port(parts.get(0)));
    }
    if (PORT.matcher(parts.get(0)).matches()) {
      throw new IllegalArgumentException("bind address \"" + parts.get(0) + "\" is a number: -D takes one port"
          + " (-t forwards a port to another)");
    }
    return new Endpoint.Tcp(TunnelSpec.unbracket(parts.get(0)), port(parts.get(1)));
  }

  private static int port(String text) {
    if (!PORT.matcher(text).matches()) {
      throw new IllegalArgumentException("not a port: \"" + text + "\"");
    }
    return TunnelSpec.port(text, "port");
  }
}
