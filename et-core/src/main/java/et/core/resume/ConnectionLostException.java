package et.core.resume;

import java.io.IOException;

/** A connection died (silence, reset, cut); the session reconnects and replays. Not an error. */
public final class ConnectionLostException extends IOException {
  public ConnectionLostException(String message) {
    super(message);
  }
}
