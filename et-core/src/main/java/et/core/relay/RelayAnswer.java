package et.core.relay;

/** A relay's answer to a client that proved its grant; the code travels in RELAY_ANSWER. */
public enum RelayAnswer {
  CONNECTED(0, "connected"),
  FORBIDDEN(1, "destination not allowed"),
  UNREACHABLE(2, "next hop unreachable"),
  BUSY(3, "relay busy"),
  /** The next hop refused the connection: nothing listens on its port (a relay's host exited). */
  CLOSED(4, "next hop's port closed");

  public final int code;
  /** What the code means, short for the status line; the frame's own text adds the detail. */
  public final String meaning;

  RelayAnswer(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  /** The answer with this code, or null for a code we do not know. */
  public static RelayAnswer ofCode(int code) {
    for (RelayAnswer answer : values()) {
      if (answer.code == code) {
        return answer;
      }
    }
    return null;
  }
}
