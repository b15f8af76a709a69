package et.core;

/**
 * How a session ended.
 *
 * @param cause who or what ended it
 * @param exitStatus the status the closing side gave (a shell's exit status); 0 unless closed
 * @param reason a sentence for logs and users
 */
public record SessionEnd(Cause cause, int exitStatus, String reason) {
  /** Who or what ended a session. */
  public enum Cause {
    /** This side closed it. */
    CLOSED_LOCALLY,
    /** The peer closed it. */
    CLOSED_BY_PEER,
    /** It stayed disconnected longer than the limit. */
    EXPIRED,
    /** The server refused to resume it (unknown or already ended). */
    REFUSED,
    /** The peer broke the protocol after authenticating. */
    FAILED
  }

  /** True for an orderly close by either side. */
  public boolean orderly() {
    return cause == Cause.CLOSED_LOCALLY || cause == Cause.CLOSED_BY_PEER;
  }
}
