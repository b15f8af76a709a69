package et.core;

import java.io.IOException;

/** The server refused the session (unknown, or already ended); retrying cannot help. */
public final class SessionRefusedException extends IOException {
  public SessionRefusedException(String message) {
    super(message);
  }
}
