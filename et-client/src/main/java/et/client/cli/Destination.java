package et.client.cli;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The positional argument {@code [user@]host[:port]}, split into its parts.
 *
 * <p>The user is what comes before the LAST {@code @} (as ssh does). A port is taken only after a
 * single colon: {@code ::1} and {@code fe80::1} are IPv6 hosts without a port; to give a port with
 * an IPv6 address, bracket it: {@code [::1]:2022}. The brackets are not part of {@link #host()}.
 * The port here is the et port (see {@link ClientOptions#port()}), not ssh's: ssh's port is set
 * with {@code --ssh 'ssh -p N'} or {@code --ssh-option Port=N}.
 *
 * @param user the user if given before an {@code @}
 * @param host the host name or address, not yet validated (see {@link ClientOptions})
 * @param port the port if given after a colon, not yet range-checked
 */
public record Destination(Optional<String> user, String host, OptionalInt port) {

  /**
   * Parses {@code [user@]host[:port]}.
   *
   * @throws IllegalArgumentException when a part is present but malformed (empty user, bad bracket, non-numeric port)
   */
  public static Destination parse(String text) {
    Optional<String> user = Optional.empty();
    String rest = text;
    int at = text.lastIndexOf('@');
    if (at >= 0) {
      if (at == 0) {
        throw new IllegalArgumentException("empty user before '@' in '" + text + "'");
      }
      user = Optional.of(text.substring(0, at));
      rest = text.substring(at + 1);
    }
    if (rest.startsWith("[")) {
      int close = rest.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("missing ']' after the IPv6 address in '" + text + "'");
      }
      String host = rest.substring(1, close);
      String after = rest.substring(close + 1);
      if (after.isEmpty()) {
        return new Destination(user, host, OptionalInt.empty());
      }
      if (!after.startsWith(":")) {
        throw new IllegalArgumentException("unexpected '" + after + "' after ']' in '" + text + "'");
      }
      return new Destination(user, host, OptionalInt.of(parsePort(after.substring(1), text)));
    }
    int colon = rest.indexOf(':');
    if (colon < 0 || rest.indexOf(':', colon + 1) >= 0) {
      // No colon, or several: a plain host or an unbracketed IPv6 address, no port.
      return new Destination(user, rest, OptionalInt.empty());
    }
    return new Destination(user, rest.substring(0, colon), OptionalInt.of(parsePort(rest.substring(colon + 1), text)));
  }

  private static int parsePort(String digits, String text) {
    if (digits.isEmpty()) {
      throw new IllegalArgumentException("empty port after ':' in '" + text + "'");
    }
    if (!digits.chars().allMatch(c -> c >= '0' && c <= '9') || digits.length() > 9) {
      throw new IllegalArgumentException("port '" + digits + "' in '" + text + "' is not a number in 1..65535");
    }
    return Integer.parseInt(digits);
  }
}
