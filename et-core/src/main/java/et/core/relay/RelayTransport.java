package et.core.relay;

import et.core.transport.ConnectAttempt;
import et.core.SessionCredentials;
import et.core.transport.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.ByteChannel;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A path through relays (docs/PROTOCOL.md, "Relays"): TCP to the first relay, then each relay's
 * handshake in turn inside the path built so far, each naming the next hop, the last naming the
 * destination; the caller's end-to-end handshake then runs inside it. The relays only ever see
 * that handshake and sealed frames.
 *
 * <p>A failure says which hop failed: "client -> jump: ..." when the first relay cannot be
 * reached, "jump: ..." when a relay failed or refused, "jump -> next: ..." when it could not reach
 * the next hop. A relay that no longer knows its grant
 * (its host restarted) has the hop's grant renewed ({@link Hop.Renewal}, an ssh bootstrap) before
 * the attempt fails, so the next attempt uses the new one.
 */
public final class RelayTransport implements Transport {

  /** One relay: how it is named (host as the previous hop resolves it) and the grant it made for us. */
  public static final class Hop {
    /** Gets a fresh grant from the hop's host when it lost ours; blocks, throws with the reason. */
    @FunctionalInterface
    public interface Renewal {
      Grant renew() throws IOException;
    }

    /** A grant and the relay's port, as the hop's bootstrap answered. */
    public record Grant(SessionCredentials credentials, int port) {
      public Grant {
        Objects.requireNonNull(credentials, "credentials");
        if (port < 1 || port > 65535) {
          throw new IllegalArgumentException("port must be in 1..65535: " + port);
        }
      }
    }

    private final String name;
    private final String host;
    private final Renewal renewal;
    private volatile Grant grant;

    /** {@code name} for messages (as the user wrote it); {@code host} where it is reached. */
    public Hop(String name, String host, Grant grant, Renewal renewal) {
      this.name = Objects.requireNonNull(name, "name");
      this.host = Objects.requireNonNull(host, "host");
      this.grant = Objects.requireNonNull(grant, "grant");
      this.renewal = Objects.requireNonNull(renewal, "renewal");
    }

    public String name() {
      return name;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private final List<Hop> hops;
  private final String destinationName;
  private final String destinationHost;
  private final int destinationPort;

  /** Through {@code hops} (first reached directly) to {@code destinationHost}:{@code destinationPort}. */
  public RelayTransport(List<Hop> hops, String destinationName, String destinationHost, int destinationPort) {
    if (hops.isEmpty()) {
      throw new IllegalArgumentException("a relayed path needs at least one hop");
    }
    this.hops = List.copyOf(hops);
    this.destinationName = destinationName;
    this.destinationHost = destinationHost;
    this.destinationPort = destinationPort;
  }

  @Override
  public ByteChannel open(ConnectAttempt attempt) throws IOException {
    Hop first = hops.getFirst();
    ByteChannel channel;
    try {
      channel = Transport.tcp(() -> new InetSocketAddress(first.host, first.grant.port())).open(attempt);
    } catch (UnknownHostException e) {
      throw new UnknownHostException("client -> " + first.name + ": cannot resolve " + first.host);
    } catch (IOException e) {
      throw new IOException("client -> " + first.name + ": " + e.getMessage(), e);
    }
    for (int i = 0; i < hops.size(); i++) {
      Hop hop = hops.get(i);
      boolean last = i == hops.size() - 1;
      String nextName = last ? destinationName : hops.get(i + 1).name;
      String nextHost = last ? destinationHost : hops.get(i + 1).host;
      int nextPort = last ? destinationPort : hops.get(i + 1).grant.port();
      Hop.Grant grant = hop.grant;
      try {
        RelayHandshake.client(channel, grant.credentials(), nextHost, nextPort);
      } catch (RelayRefusedException e) {
        if (e.grantUnknown()) {
          throw renewed(hop, grant);
        }
        String where = e.answer().orElseThrow() == RelayAnswer.UNREACHABLE ? hop.name + " -> " + nextName : hop.name;
        throw new RelayRefusedException(e.answer(), where + ": " + e.getMessage());
      } catch (IOException e) {
        throw new IOException(hop.name + ": " + e.getMessage(), e);
      }
    }
    return channel;
  }

  /** Renews {@code hop}'s grant (unless another attempt did already) and says so. */
  private static IOException renewed(Hop hop, Hop.Grant lost) {
    synchronized (hop) {
      if (hop.grant != lost) {
        return new IOException(hop.name + ": relay grant renewed meanwhile");
      }
      try {
        hop.grant = hop.renewal.renew();
        return new IOException(hop.name + ": the relay had lost our grant (its host restarted?); got a new one");
      } catch (IOException e) {
        return new IOException(hop.name + ": the relay lost our grant and a new one failed: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public String toString() {
    return hops.stream().map(Hop::name).collect(Collectors.joining(" -> ", "relays ", " -> " + destinationName));
  }
}
