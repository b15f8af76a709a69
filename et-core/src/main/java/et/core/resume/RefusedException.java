package et.core.resume;

import java.io.IOException;

/**
 * The server answered the handshake with a refusal. A vouched refusal (its proof checked out, so
 * the server knows the session's secret) is final. An unvouched one may come from anyone on the
 * path, or from a server that lost the session (restarted): the client keeps trying for a while.
 */
public final class RefusedException extends IOException {
  private final Refusal refusal;
  private final boolean vouched;

  public RefusedException(Refusal refusal, boolean vouched) {
    this(refusal, vouched, vouched ? refusal.vouchedMeaning : refusal.text + " (unverified)");
  }

  public RefusedException(Refusal refusal, boolean vouched, String message) {
    super(message);
    this.refusal = refusal;
    this.vouched = vouched;
  }

  public Refusal refusal() {
    return refusal;
  }

  /** Whether the server proved it knows the session: the refusal is then final. */
  public boolean vouched() {
    return vouched;
  }
}
