package et.client.cli;

import java.util.List;

/**
 * How et's own connection reaches the session host once ssh has bootstrapped it: straight over
 * TCP; through ssh ({@code --via-ssh}: {@code ssh -W host:port}, run again for every connection);
 * or through the et relays of jump hosts ({@code -J}, or ssh's ProxyJump for the host).
 *
 * @param viaSsh through {@code ssh -W}
 * @param jumps the jump hosts given with {@code -J}, first reached first; empty for none (ssh's
 *     ProxyJump may still name some)
 */
public record Route(boolean viaSsh, List<JumpHost> jumps) {
  public static final Route DIRECT = new Route(false, List.of());
  public static final Route VIA_SSH = new Route(true, List.of());

  public Route {
    jumps = List.copyOf(jumps);
    if (viaSsh && !jumps.isEmpty()) {
      throw new IllegalArgumentException(
          "--via-ssh and --jumphost: give one (for ssh -W through jump hosts, --ssh 'ssh -J HOSTS' --via-ssh)");
    }
  }
}
