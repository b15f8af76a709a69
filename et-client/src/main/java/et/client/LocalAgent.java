package et.client;

import et.client.cli.ClientOptions;
import et.terminal.forward.Endpoint;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** The local ssh agent that {@code -A} forwards: the socket SSH_AUTH_SOCK names. */
final class LocalAgent {
  static final String VARIABLE = "SSH_AUTH_SOCK";

  private LocalAgent() {}

  /**
   * The agent's socket when {@code options} ask to forward it and {@code environment} names a
   * usable one; otherwise empty, with the reason told to {@code warn} (et goes on without it).
   */
  static Optional<Endpoint> socket(ClientOptions options, Map<String, String> environment, Consumer<String> warn) {
    if (!options.forwardAgent()) {
      return Optional.empty();
    }
    String path = environment.get(VARIABLE);
    if (path == null || path.isEmpty()) {
      warn.accept("no agent to forward: " + VARIABLE + " is not set (start ssh-agent, or leave out -A)");
      return Optional.empty();
    }
    try {
      return Optional.of(new Endpoint.Unix(path));
    } catch (IllegalArgumentException e) {
      warn.accept("no agent to forward: " + VARIABLE + " is " + e.getMessage());
      return Optional.empty();
    }
  }
}
