package et.core.relay;

import java.io.IOException;
import java.util.Optional;

/**
 * A relay turned the client away: it does not know the grant ({@link #answer()} empty: its host
 * restarted, or the grant expired; the client gets a new one), or it answered with a refusal it
 * proved under the grant (forbidden destination, next hop unreachable, busy).
 */
public final class RelayRefusedException extends IOException {
  private final Optional<RelayAnswer> answer;

  RelayRefusedException(Optional<RelayAnswer> answer, String message) {
    super(message);
    this.answer = answer;
  }

  /** The relay's proven answer; empty when it does not know the grant. */
  public Optional<RelayAnswer> answer() {
    return answer;
  }

  /** Whether the relay does not know the grant, so only a new one can help. */
  public boolean grantUnknown() {
    return answer.isEmpty();
  }
}
