package et.core.resume;

/** How a resumable stream ended, with a reason fit for a log line or the user. */
public record StreamEnd(Cause cause, String reason) {
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
}
