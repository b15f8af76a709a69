package et.core.relay;

import et.core.transport.ConnectAttempt;
import et.core.SessionCredentials;
import et.core.transport.Transport;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.ByteChannel;
import java.time.Duration;
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
 * the next hop. A relay that no longer knows its grant (its host restarted or dropped the grant),
 * or a relay whose port refuses connections (its host exited: to the first one the client's own
 * connection is refused, to a later one the relay before it answers CLOSED), has that hop's grant
 * renewed ({@link Hop.Renewal}, an ssh bootstrap, which starts a host there) before the attempt
 * fails, so the next attempt uses the new one.
 */
public final class RelayTransport implements Transport {
  /** Shortest time between two renewals of one hop's grant. */
  static final Duration RENEWAL_INTERVAL = Duration.ofSeconds(10);

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
    /** When the grant was last renewed ({@link System#nanoTime()}), 0 before; guarded by this hop. */
    private long renewedAt;

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
    } catch (ConnectException e) {
      // Nothing listens on the relay's port: its session host has exited, and a bootstrap starts one.
      throw renewed(first, first.grant, "client -> " + first.name + ": " + e.getMessage());
    } catch (IOException e) {
      throw new IOException("client -> " + first.name + ": " + e.getMessage(), e);
    }
    for (int i = 0; i < hops.size(); i++) {
      Hop hop = hops.get(i);
      Hop next = i == hops.size() - 1 ? null : hops.get(i + 1);
      String nextName = next == null ? destinationName : next.name;
      String nextHost = next == null ? destinationHost : next.host;
      Hop.Grant nextGrant = next == null ? null : next.grant;
      int nextPort = next == null ? destinationPort : nextGrant.port();
      Hop.Grant grant = hop.grant;
      try {
        RelayHandshake.client(channel, grant.credentials(), nextHost, nextPort);
      } catch (RelayRefusedException e) {
        if (e.grantUnknown()) {
          throw renewed(hop, grant, hop.name + ": the relay does not know our grant (its host restarted?)");
        }
        RelayAnswer answer = e.answer().orElseThrow();
        boolean nextHopFailed = answer == RelayAnswer.UNREACHABLE || answer == RelayAnswer.CLOSED;
        String where = nextHopFailed ? hop.name + " -> " + nextName : hop.name;
        if (answer == RelayAnswer.CLOSED && next != null) {
          throw renewed(next, nextGrant, where + ": " + e.getMessage());
        }
        throw new RelayRefusedException(e.answer(), where + ": " + e.getMessage());
      } catch (IOException e) {
        throw new IOException(hop.name + ": " + e.getMessage(), e);
      }
    }
    return channel;
  }

  /**
   * Renews {@code hop}'s grant over ssh, unless another attempt did already or the last renewal
   * was less than {@link #RENEWAL_INTERVAL} ago (a host that stays down is not asked every
   * second), and says what happened after {@code why}.
   */
  private static IOException renewed(Hop hop, Hop.Grant lost, String why) {
    synchronized (hop) {
      if (hop.grant != lost) {
        return new IOException(why + "; its grant was renewed meanwhile");
      }
      long now = System.nanoTime();
      if (hop.renewedAt != 0 && now - hop.renewedAt < RENEWAL_INTERVAL.toNanos()) {
        return new IOException(why);
      }
      hop.renewedAt = now;
      try {
        hop.grant = hop.renewal.renew();
        return new IOException(why + "; got a new grant over ssh");
      } catch (IOException e) {
        return new IOException(why + "; a new grant over ssh failed: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public String toString() {
    return hops.stream().map(Hop::name).collect(Collectors.joining(" -> ", "relays ", " -> " + destinationName));
  }
}
