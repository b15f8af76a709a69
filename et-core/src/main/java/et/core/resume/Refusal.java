package et.core.resume;

/**
 * Why a server turned a handshake away; the code travels in a REFUSE frame. There is one code for
 * a session the server never knew and one that has ended, so a stranger cannot learn whether an id
 * ever existed: only the client, checking the frame's proof, can tell an ended session (the
 * server vouches) from one the server does not know (it cannot).
 */
public enum Refusal {
  NO_SESSION(1, "no such session", "the session has ended"),
  UNSUPPORTED_VERSION(3, "unsupported protocol version", "unsupported protocol version"),
  OTHER_CLIENT(4, "the session belongs to another client", "the session belongs to another client");

  public final int code;
  /** What the frame says; the client acts on the code alone. */
  public final String text;
  /** What the refusal means once its proof checked out. */
  public final String vouchedMeaning;

  Refusal(int code, String text, String vouchedMeaning) {
    this.code = code;
    this.text = text;
    this.vouchedMeaning = vouchedMeaning;
  }

  /** The refusal with this code, or null for a code we do not know. */
  public static Refusal ofCode(int code) {
    for (Refusal refusal : values()) {
      if (refusal.code == code) {
        return refusal;
      }
    }
    return null;
  }
}
