package et.client.cli;

import et.terminal.forward.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses forwarding specs into {@link Tunnel}s: a listening side and a target. For {@code -t}/{@code
 * -L} the listener is on this machine and the session host connects to the target; for {@code
 * -r}/{@code -R} the host listens and this machine connects. The forms (as {@code -t}):
 *
 * <ul>
 *   <li>{@code 8080:80}: listen on 127.0.0.1:8080, connect to localhost:80 on the host;
 *   <li>{@code 8000-8010:9000-9010}: port ranges of equal length, pairwise;
 *   <li>{@code [bind:]port:host:hostport}, as ssh's -L, IPv6 in brackets ({@code
 *       [::1]:8888:[2001:db8::1]:9999});
 *   <li>unix sockets on either side: {@code /tmp/a.sock:/run/b.sock}, {@code 8080:/run/b.sock},
 *       {@code /tmp/a.sock:host:80}.
 * </ul>
 *
 * Several specs may be given at once, separated by commas. A bad spec throws an {@link
 * IllegalArgumentException} naming it and what is wrong.
 */
public final class TunnelSpec {
  /** One forwarding: connections accepted at {@code listen} go to {@code target}. */
  public record Tunnel(Endpoint listen, Endpoint target) {}

  /** The most ports one range may hold. */
  static final int MAX_RANGE = 1000;
  private static final String DEFAULT_TARGET_HOST = "localhost";
  private static final Pattern RANGE = Pattern.compile("(\\d{1,5})(?:-(\\d{1,5}))?");

  private TunnelSpec() {}

  /** The tunnels of {@code specs}: one spec or several separated by commas. */
  public static List<Tunnel> parse(String specs) {
    List<Tunnel> tunnels = new ArrayList<>();
    for (String spec : specs.split(",", -1)) {
      try {
        tunnels.addAll(parseOne(spec.strip()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("bad tunnel \"" + spec.strip() + "\": " + e.getMessage());
      }
    }
    return List.copyOf(tunnels);
  }

  private static List<Tunnel> parseOne(String spec) {
    if (spec.isEmpty()) {
      throw new IllegalArgumentException("empty");
    }
    List<String> parts = split(spec);
    return switch (parts.size()) {
      case 2 -> pair(null, parts.get(0), null, parts.get(1));
      case 3 -> isPath(parts.get(2))
          ? pair(parts.get(0), parts.get(1), null, parts.get(2))
          : pair(null, parts.get(0), parts.get(1), parts.get(2));
      case 4 -> pair(parts.get(0), parts.get(1), parts.get(2), parts.get(3));
      default -> throw new IllegalArgumentException(
          "expected [bind:]port:host:hostport, port:hostport or a unix socket path on either side");
    };
  }

  /** Listening side {@code bind}/{@code listen}, target side {@code host}/{@code target}. */
  private static List<Tunnel> pair(String bind, String listen, String host, String target) {
    if (isPath(listen)) {
      if (bind != null) {
        throw new IllegalArgumentException("a unix socket listens at its path: no bind address");
      }
      Endpoint to = isPath(target) ? new Endpoint.Unix(target) : tcpTarget(host, single(target, "a unix socket cannot listen for a range"));
      return List.of(new Tunnel(new Endpoint.Unix(listen), to));
    }
    int[] ports = range(listen, "listening port");
    if (isPath(target)) {
      if (host != null) {
        throw new IllegalArgumentException("a unix socket target takes no host");
      }
      int port = single(listen, "a range cannot go to one unix socket");
      return List.of(new Tunnel(listenOn(bind, port), new Endpoint.Unix(target)));
    }
    int[] targetPorts = range(target, "target port");
    if (targetPorts.length != ports.length) {
      throw new IllegalArgumentException(
          "ranges of different lengths (" + ports.length + " and " + targetPorts.length + " ports)");
    }
    List<Tunnel> tunnels = new ArrayList<>();
    for (int i = 0; i < ports.length; i++) {
      tunnels.add(new Tunnel(listenOn(bind, ports[i]), tcpTarget(host, targetPorts[i])));
    }
    return tunnels;
  }

  private static Endpoint tcpTarget(String host, int port) {
    return new Endpoint.Tcp(host == null ? DEFAULT_TARGET_HOST : unbracket(host), port);
  }

  /** The one port of {@code text}; {@code whyNotARange} if it is a range. */
  private static int single(String text, String whyNotARange) {
    int[] ports = range(text, "port");
    if (ports.length > 1) {
      throw new IllegalArgumentException(whyNotARange);
    }
    return ports[0];
  }

  private static Endpoint listenOn(String bind, int port) {
    return bind == null ? Endpoint.loopback(port) : new Endpoint.Tcp(unbracket(bind), port);
  }

  /** The ports of "N" or "N-M", each in 1..65535. */
  private static int[] range(String text, String what) {
    Matcher m = RANGE.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a " + what + " or range: \"" + text + "\"");
    }
    int first = port(m.group(1), what);
    int last = m.group(2) == null ? first : port(m.group(2), what);
    if (last < first || last - first + 1 > MAX_RANGE) {
      throw new IllegalArgumentException("range " + text + " is backwards or holds more than " + MAX_RANGE + " ports");
    }
    int[] ports = new int[last - first + 1];
    for (int i = 0; i < ports.length; i++) {
      ports[i] = first + i;
    }
    return ports;
  }

  /** The port of {@code digits} (one to five of them), in 1..65535. */
  static int port(String digits, String what) {
    int port = Integer.parseInt(digits);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(what + " out of 1..65535: " + port);
    }
    return port;
  }

  /** Splits at colons outside brackets; no field may be empty. */
  static List<String> split(String spec) {
    List<String> parts = new ArrayList<>();
    StringBuilder part = new StringBuilder();
    boolean bracketed = false;
    for (char c : spec.toCharArray()) {
      if (c == '[' && !bracketed && part.isEmpty()) {
        bracketed = true;
      } else if (c == ']' && bracketed) {
        bracketed = false;
      } else if (c == ':' && !bracketed) {
        parts.add(part.toString());
        part.setLength(0);
        continue;
      }
      part.append(c);
    }
    if (bracketed) {
      throw new IllegalArgumentException("unclosed [");
    }
    parts.add(part.toString());
    if (parts.stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException("an empty field");
    }
    return parts;
  }

  /** {@code host} without the brackets of an IPv6 literal; a bracket anywhere else is refused. */
  static String unbracket(String host) {
    if (host.startsWith("[")) {
      if (!host.endsWith("]") || !host.substring(1, host.length() - 1).contains(":")) {
        throw new IllegalArgumentException("brackets are for IPv6 addresses: " + host);
      }
      return host.substring(1, host.length() - 1);
    }
    if (host.contains("[") || host.contains("]")) {
      throw new IllegalArgumentException("misplaced bracket in " + host);
    }
    return host;
  }

  static boolean isPath(String text) {
    return text.startsWith("/");
  }
}
