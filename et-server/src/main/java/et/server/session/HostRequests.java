package et.server.session;

import java.time.Duration;
import java.util.Optional;

/**
 * The session host's answers to {@code et.terminal.HostRequest} lines (docs/TERMINAL.md,
 * "Bootstrap over ssh"), the same whichever way the line came: from etterminal over the host's
 * unix socket, or from a client over a session's {@code host-request} channel.
 */
@FunctionalInterface
public interface HostRequests {
  /** How long a requester has to send its line, over either way. */
  Duration REQUEST_DEADLINE = Duration.ofSeconds(10);

  /** The reply line to {@code line}, without LF; empty when not even its nonce is known. */
  Optional<String> answer(String line);
}
