package et.client;

import et.client.cli.TunnelSpec.Tunnel;
import et.terminal.forward.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The forwardings ssh's configuration asks for a host, from the {@code localforward}, {@code
 * remoteforward}, {@code dynamicforward} and {@code forwardagent} lines of {@code ssh -G}, which et
 * makes in its session as if given with {@code -L}, {@code -R}, {@code -D} and {@code -A} (the
 * bootstrap's own ssh makes none of them). ssh prints listeners as {@code port}, {@code
 * [address]:port} or a path and targets as {@code [host]:port} or a path; a line et cannot take
 * (ssh's remote SOCKS, a malformed value) is skipped with the reason in {@link #skipped}.
 *
 * @param agent the {@code forwardagent} value unless it is {@code no}: {@code yes}, a socket path or
 *     {@code $VARIABLE}
 */
record SshForwardings(List<Tunnel> local, List<Tunnel> remote, List<Endpoint> dynamic, Optional<String> agent,
    List<String> skipped) {
  /** How ssh -G shows a RemoteForward without a target: a SOCKS proxy on the far side. */
  private static final String SOCKS_TARGET = "[socks]:0";
  static final SshForwardings NONE = new SshForwardings(List.of(), List.of(), List.of(), Optional.empty(), List.of());

  SshForwardings {
    local = List.copyOf(local);
    remote = List.copyOf(remote);
    dynamic = List.copyOf(dynamic);
    skipped = List.copyOf(skipped);
  }

  /** The forwardings of an {@code ssh -G} dump. */
  static SshForwardings parse(String dump) {
    List<Tunnel> local = new ArrayList<>();
    List<Tunnel> remote = new ArrayList<>();
    List<Endpoint> dynamic = new ArrayList<>();
    Optional<String> agent = Optional.empty();
    List<String> skipped = new ArrayList<>();
    for (String line : dump.lines().toList()) {
      String[] words = line.strip().split(" +");
      String keyword = words[0].toLowerCase(Locale.ROOT);
      try {
        switch (keyword) {
          case "localforward" -> local.add(tunnel(words));
          case "remoteforward" -> remote.add(tunnel(words));
          case "dynamicforward" -> {
            if (words.length == 2 && !words[1].startsWith("/")) { // ssh also lists unix local forwards here
              dynamic.add(listener(words[1]));
            }
          }
          case "forwardagent" -> agent = words.length == 2 && !words[1].equals("no") ? Optional.of(words[1]) : Optional.empty();
          default -> { }
        }
      } catch (IllegalArgumentException e) {
        skipped.add(Printable.escape(line.strip(), 200) + ": " + e.getMessage());
      }
    }
    return new SshForwardings(local, remote, dynamic, agent, skipped);
  }

  private static Tunnel tunnel(String[] words) {
    if (words.length != 3) {
      throw new IllegalArgumentException("expected a listener and a target");
    }
    if (words[2].equals(SOCKS_TARGET)) {
      throw new IllegalArgumentException("remote SOCKS forwarding is not supported");
    }
    return new Tunnel(listener(words[1]), target(words[2]));
  }

  private static Endpoint listener(String text) {
    if (text.startsWith("/")) {
      return new Endpoint.Unix(text);
    }
    if (text.matches("[0-9]+")) {
      return Endpoint.loopback(port(text));
    }
    Endpoint.Tcp tcp = hostAndPort(text);
    return tcp.host().equals("*") || tcp.host().isEmpty() ? new Endpoint.Tcp("0.0.0.0", tcp.port()) : tcp;
  }

  private static Endpoint target(String text) {
    return text.startsWith("/") ? new Endpoint.Unix(text) : hostAndPort(text);
  }

  /** {@code [host]:port} or {@code host:port}; {@code *} stays {@code *} for the listener to map. */
  private static Endpoint.Tcp hostAndPort(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("expected [host]:port or a path");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = port(text.substring(colon + 1));
    return host.equals("*") ? new Endpoint.Tcp("0.0.0.0", port) : new Endpoint.Tcp(host, port);
  }

  private static int port(String text) {
    if (!text.matches("[0-9]{1,5}")) {
      throw new IllegalArgumentException("not a port: " + text);
    }
    return Integer.parseInt(text); // Endpoint refuses 0 and what is above 65535
  }
}
