package et.server.request;

import et.terminal.BootstrapException;
import et.terminal.BootstrapNonce;
import java.util.Optional;

/**
 * The nonce of a request line that may not parse as a whole, so that even a refusal carries it and
 * the client can tell the refusal from shell noise. Looks only at space-separated {@code nonce=}
 * tokens of a line starting with {@code ET1 }; the first one that is 32 hex digits wins.
 */
public final class RequestNonce {
  private static final String PREFIX = "ET1 ";
  private static final String KEY = "nonce=";

  private RequestNonce() {}

  public static Optional<BootstrapNonce> find(String line) {
    if (!line.startsWith(PREFIX)) {
      return Optional.empty();
    }
    int at = 0;
    while (at < line.length()) {
      int end = line.indexOf(' ', at);
      if (end < 0) {
        end = line.length();
      }
      if (line.startsWith(KEY, at)) {
        try {
          return Optional.of(BootstrapNonce.parse(line.substring(at + KEY.length(), end)));
        } catch (BootstrapException notHex) {
          // try a later token
        }
      }
      at = end + 1;
    }
    return Optional.empty();
  }
}
