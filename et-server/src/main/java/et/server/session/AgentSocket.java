package et.server.session;

import et.core.Session;
import et.terminal.TerminalChannels;
import et.terminal.forward.Endpoint;
import et.terminal.forward.ForwardChannels;
import et.terminal.forward.ForwardListener;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import org.tinylog.Logger;

/**
 * The session's end of agent forwarding ({@code et -A}): a unix socket in the user's private
 * runtime directory (0600 in a 0700 directory), named after the session, whose connections go to
 * the client's ssh agent through {@link TerminalChannels#AGENT} channels. The program gets its path
 * as SSH_AUTH_SOCK; the socket is removed when the session ends.
 */
final class AgentSocket {
  static final String VARIABLE = "SSH_AUTH_SOCK";

  private AgentSocket() {}

  /** Listens for the session's agent connections; empty (logged) when the socket cannot be made. */
  static Optional<Path> start(Session session, Path runtimeDir) {
    byte[] id = session.id().bytes();
    Path path = runtimeDir.resolve("agent-" + HexFormat.of().formatHex(id, 0, Math.min(8, id.length)) + ".sock");
    Endpoint.Unix at;
    try {
      at = new Endpoint.Unix(path.toString());
    } catch (IllegalArgumentException e) {
      Logger.warn("{}: no agent forwarding: {}", session, e.getMessage());
      return Optional.empty();
    }
    boolean serving = ForwardListener.listen(session, at, "agent-listen",
        why -> Logger.warn("{}: no agent forwarding: {}", session, why), connection ->
        ForwardChannels.forward(session, TerminalChannels.AGENT, at, connection,
            reason -> Logger.info("{}: the client's agent refused: {}", session, reason)));
    return serving ? Optional.of(path) : Optional.empty();
  }
}
