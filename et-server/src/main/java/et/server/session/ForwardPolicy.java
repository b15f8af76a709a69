package et.server.session;

import et.terminal.forward.Endpoint;
import et.terminal.forward.ForwardRefusedException;
import et.terminal.forward.ForwardTargets;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the host's server.conf lets a session's client forward (like sshd's PermitOpen and
 * GatewayPorts): where its forwarded connections may go, and where its reverse tunnels may
 * listen. The client is the user; these rules let an administrator narrow what a session can reach.
 *
 * @param permitOpen the targets a forward may connect to: empty for any, else those the list matches
 * @param gatewayPorts whether a reverse tunnel may listen on an address other than loopback
 */
public record ForwardPolicy(Optional<List<Permit>> permitOpen, boolean gatewayPorts) implements ForwardTargets {
  /**
   * One {@code permit-open} entry: {@code host:port}, {@code host:*} (any port), {@code [v6]:port}
   * or a unix socket path. Host names are compared as written, without a lookup, as sshd does.
   *
   * @param hostOrPath a host name or address (IPv6 without brackets), or an absolute path
   * @param port the port, or {@link #ANY_PORT}; {@link #ANY_PORT} for a path
   */
  public record Permit(String hostOrPath, int port) {
    public static final int ANY_PORT = 0;

    /** The entry {@code text}; IllegalArgumentException with what is wrong. */
    public static Permit parse(String text) {
      if (text.startsWith("/")) {
        return new Permit(new Endpoint.Unix(text).path(), ANY_PORT);
      }
      int colon = text.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("expected host:port, host:* or a socket path: " + text);
      }
      String host = text.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      String port = text.substring(colon + 1);
      if (port.equals("*")) {
        return new Permit(new Endpoint.Tcp(host, 1).host(), ANY_PORT);
      }
      if (!port.matches("[0-9]{1,5}")) {
        throw new IllegalArgumentException("not a port in " + text + ": " + port);
      }
      Endpoint.Tcp tcp = new Endpoint.Tcp(host, Integer.parseInt(port));
      return new Permit(tcp.host(), tcp.port());
    }

    /** Whether this entry lets a connection go to {@code host}:{@code port}; names as written. */
    public boolean matchesTcp(String host, int port) {
      return hostOrPath.equalsIgnoreCase(host) && (this.port == ANY_PORT || this.port == port);
    }

    boolean matches(Endpoint request) {
      return switch (request) {
        case Endpoint.Unix unix -> unix.path().equals(hostOrPath);
        case Endpoint.Tcp tcp -> matchesTcp(tcp.host(), tcp.port());
      };
    }
  }

  public ForwardPolicy {
    Objects.requireNonNull(permitOpen, "permitOpen");
    permitOpen = permitOpen.map(List::copyOf);
  }

  /** Any target, listeners on loopback only: sshd's defaults. */
  public static ForwardPolicy defaults() {
    return new ForwardPolicy(Optional.empty(), false);
  }

  /** A forward's target, if {@link #permitOpen} allows it. */
  @Override
  public Endpoint resolve(Endpoint request) throws ForwardRefusedException {
    if (permitOpen.isEmpty() || permitOpen.get().stream().anyMatch(permit -> permit.matches(request))) {
      return request;
    }
    throw new ForwardRefusedException(request + " is not allowed by the host's permit-open");
  }

  /** Refuses a reverse tunnel's listener on a non-loopback address unless {@link #gatewayPorts}. */
  public void checkListen(Endpoint listen) throws ForwardRefusedException {
    if (listen instanceof Endpoint.Tcp tcp && !gatewayPorts && !isLoopback(tcp.host())) {
      throw new ForwardRefusedException(
          "listening on " + tcp.host() + " is not allowed: the host's server.conf has gateway-ports=no (loopback only)");
    }
  }

  private static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      InetAddress[] addresses = InetAddress.getAllByName(host);
      for (InetAddress address : addresses) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false; // the bind fails and says so
    }
  }
}
