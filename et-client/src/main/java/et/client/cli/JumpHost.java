package et.client.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One jump host of {@code -J} / ssh's {@code ProxyJump}: {@code [user@]host[:port]}, where the port
 * is ssh's on that host (as for {@code ssh -J}); et reaches the jump host's et port through its
 * bootstrap answer.
 *
 * @param user the login there, if given
 * @param host the host (an alias of the ssh configuration, a name or an address)
 * @param sshPort ssh's port there, if given
 */
public record JumpHost(Optional<String> user, String host, OptionalInt sshPort) {
  /** Most jump hosts in one chain: each is an ssh login and a relay. */
  public static final int MAX_HOPS = 8;

  public JumpHost {
    if (host.isEmpty() || host.startsWith("-")
        || host.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c) || c == ',')) {
      throw new IllegalArgumentException("not a jump host: '" + host + "'");
    }
    if (sshPort.isPresent() && (sshPort.getAsInt() < 1 || sshPort.getAsInt() > 65535)) {
      throw new IllegalArgumentException("jump host port must be in 1..65535, got " + sshPort.getAsInt());
    }
  }

  /** The hops of {@code spec}: {@code [user@]host[:port][,...]}, as ssh's -J takes them. */
  public static List<JumpHost> parseChain(String spec) {
    List<JumpHost> hops = new ArrayList<>();
    for (String part : spec.split(",", -1)) {
      Destination parsed = Destination.parse(part.strip());
      hops.add(new JumpHost(parsed.user(), parsed.host(), parsed.port()));
    }
    if (hops.size() > MAX_HOPS) {
      throw new IllegalArgumentException("more than " + MAX_HOPS + " jump hosts in '" + spec + "'");
    }
    return List.copyOf(hops);
  }

  /** The chain as ssh's -J writes it. */
  public static String toSpec(List<JumpHost> hops) {
    return String.join(",", hops.stream().map(JumpHost::toString).toList());
  }

  /** {@code [user@]host[:port]}, IPv6 in brackets when a port follows. */
  @Override
  public String toString() {
    String at = user.map(u -> u + "@").orElse("");
    if (sshPort.isEmpty()) {
      return at + host;
    }
    return at + (host.contains(":") ? "[" + host + "]" : host) + ":" + sshPort.getAsInt();
  }
}
