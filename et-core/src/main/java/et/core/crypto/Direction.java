package et.core.crypto;

/** Which way bytes travel; every key is bound to one direction so a frame reflected back fails to open. */
public enum Direction {
  CLIENT_TO_SERVER("client-to-server"),
  SERVER_TO_CLIENT("server-to-client");

  private final String label;

  Direction(String label) {
    this.label = label;
  }

  /** The direction seen from the other end. */
  public Direction reverse() {
    return this == CLIENT_TO_SERVER ? SERVER_TO_CLIENT : CLIENT_TO_SERVER;
  }

  String label() {
    return label;
  }
}
