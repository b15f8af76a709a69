package et.client;

import et.client.cli.ClientOptions;
import et.client.cli.TunnelSpec.Tunnel;
import et.terminal.forward.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything a run forwards: the command line's tunnels and SOCKS proxies, then those of ssh's configuration for the
 * host ({@link SshForwardings}), as ssh adds both; and the local agent's socket when {@code -A} or
 * the configuration's {@code ForwardAgent} asks for it and there is one.
 *
 * @param agent the local agent's socket, when the host is to get SSH_AUTH_SOCK
 */
record Forwardings(List<Tunnel> local, List<Tunnel> remote, List<Endpoint> socks, Optional<Endpoint> agent) {
  static final String AGENT_VARIABLE = "SSH_AUTH_SOCK";

  Forwardings {
    local = List.copyOf(local);
    remote = List.copyOf(remote);
    socks = List.copyOf(socks);
  }

  /**
   * The forwardings of {@code options} and {@code fromSsh}; what cannot be done (no agent to
   * forward, a configuration line et skips) is told to {@code warn}, and the rest goes on.
   */
  static Forwardings of(ClientOptions options, SshForwardings fromSsh, Map<String, String> environment, Consumer<String> warn) {
    fromSsh.skipped().forEach(line -> warn.accept("skipped from ssh's configuration: " + line));
    List<Tunnel> local = new ArrayList<>(options.tunnels());
    local.addAll(fromSsh.local());
    List<Tunnel> remote = new ArrayList<>(options.reverseTunnels());
    remote.addAll(fromSsh.remote());
    List<Endpoint> socks = new ArrayList<>(options.socksProxies());
    socks.addAll(fromSsh.dynamic());
    Optional<String> agentSetting = options.forwardAgent() ? Optional.of("yes") : fromSsh.agent();
    return new Forwardings(local, remote, socks, agentSetting.flatMap(setting -> agentSocket(setting, environment, warn)));
  }

  /** {@code yes}: SSH_AUTH_SOCK; {@code $NAME}: that variable; else a path, as ssh's ForwardAgent. */
  private static Optional<Endpoint> agentSocket(String setting, Map<String, String> environment, Consumer<String> warn) {
    String variable = setting.equals("yes") ? AGENT_VARIABLE : setting.startsWith("$") ? setting.substring(1) : null;
    String path = variable == null ? setting : environment.get(variable);
    if (path == null || path.isEmpty()) {
      warn.accept("no agent to forward: " + variable + " is not set (start ssh-agent, or leave out -A)");
      return Optional.empty();
    }
    try {
      return Optional.of(new Endpoint.Unix(path));
    } catch (IllegalArgumentException e) {
      warn.accept("no agent to forward: " + e.getMessage());
      return Optional.empty();
    }
  }
}
