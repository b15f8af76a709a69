package et.core.resume;

import java.io.IOException;

/** No connection could be had before the disconnect limit ran out. */
final class StreamExpiredException extends IOException {
  StreamExpiredException(String message) {
    super(message);
  }
}
