package et.core.resume;

import java.time.Duration;

/**
 * Timing of one resumable stream.
 *
 * @param keepaliveInterval how often each side pings its connection (round-trip time, liveness)
 * @param deadAfter a connection that leaves something we sent (a PING, a stream frame) unanswered
 *     this long is declared dead and replaced
 * @param handshakeTimeout the whole handshake must finish within this
 * @param disconnectLimit the session ends after staying disconnected this long
 * @param refusalLimit a client whose every reconnection has been refused, without proof that the
 *     server knows the session, for this long gives up (section 4 of docs/PROTOCOL.md)
 */
public record Liveness(
    Duration keepaliveInterval,
    Duration deadAfter,
    Duration handshakeTimeout,
    Duration disconnectLimit,
    Duration refusalLimit) {
  public Liveness {
    if (keepaliveInterval.isNegative() || keepaliveInterval.isZero()) {
      throw new IllegalArgumentException("keepaliveInterval must be positive: " + keepaliveInterval);
    }
    if (deadAfter.compareTo(keepaliveInterval.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException(
          "deadAfter " + deadAfter + " must be at least twice keepaliveInterval " + keepaliveInterval);
    }
    if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException("handshakeTimeout must be positive: " + handshakeTimeout);
    }
    if (disconnectLimit.isNegative() || disconnectLimit.isZero()) {
      throw new IllegalArgumentException("disconnectLimit must be positive: " + disconnectLimit);
    }
    if (refusalLimit.isNegative()) {
      throw new IllegalArgumentException("refusalLimit must not be negative: " + refusalLimit);
    }
  }

  /** Idle keepalives come this many times less often than busy ones... */
  static final int IDLE_KEEPALIVE_FACTOR = 10;
  /** ...but at least this often, for the sake of NATs and firewalls that forget quiet connections. */
  static final Duration IDLE_KEEPALIVE_MAX = Duration.ofSeconds(60);

  /**
   * How often a side pings while nothing it sent awaits an acknowledgement: {@value
   * #IDLE_KEEPALIVE_FACTOR} keepalive intervals, at most {@link #IDLE_KEEPALIVE_MAX} (never less
   * than one interval).
   */
  public Duration idleKeepaliveInterval() {
    Duration idle = keepaliveInterval.multipliedBy(IDLE_KEEPALIVE_FACTOR);
    Duration capped = idle.compareTo(IDLE_KEEPALIVE_MAX) > 0 ? IDLE_KEEPALIVE_MAX : idle;
    return capped.compareTo(keepaliveInterval) < 0 ? keepaliveInterval : capped;
  }
}
