package et.core.resume;

/** Why a server turned a handshake away; the code travels in a REFUSE frame. */
public enum Refusal {
  UNKNOWN_SESSION(1, "no such session"),
  SESSION_ENDED(2, "the session has ended"),
  UNSUPPORTED_VERSION(3, "unsupported protocol version"),
  OTHER_CLIENT(4, "the session belongs to another client");

  public final int code;
  public final String text;

  Refusal(int code, String text) {
    this.code = code;
    this.text = text;
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
