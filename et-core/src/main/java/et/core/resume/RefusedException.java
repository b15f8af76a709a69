package et.core.resume;

import java.io.IOException;

/** The server answered the handshake with an explicit refusal: retrying cannot help. */
public final class RefusedException extends IOException {
  private final Refusal refusal;

  public RefusedException(Refusal refusal) {
    super("server refused: " + refusal.text);
    this.refusal = refusal;
  }

  public Refusal refusal() {
    return refusal;
  }
}
