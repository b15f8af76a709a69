package et.core.resume;

/**
 * How a resumable stream ended, with a reason fit for a log line or the user.
 *
 * @param exitStatus the status the closing side gave (a shell's exit status); 0 unless closed
 */
public record StreamEnd(Cause cause, int exitStatus, String reason) {
  /** Who or what ended the stream. */
  public enum Cause {
    /** This side closed it, and the peer acknowledged (or had ended already). */
    CLOSED,
    /** The peer closed it. */
    CLOSED_BY_PEER,
    /** Disconnected longer than the configured limit. */
    EXPIRED,
    /** The server refused to resume it (unknown or ended session). */
    REFUSED,
    /** The peer broke the protocol after authenticating. */
    FAILED
  }

  /** An end that is no close: {@code cause} with {@code reason} and exit status 0. */
  public static StreamEnd of(Cause cause, String reason) {
    return new StreamEnd(cause, 0, reason);
  }
}
