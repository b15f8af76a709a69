package et.client;

import java.util.Optional;

/**
 * Reads the output of {@code ssh -G}: one {@code keyword value} pair a line, keywords in lower case
 * ({@code hostname 10.1.2.3}), the configuration ssh would use for a destination. Only what et
 * needs is read: the host name ssh would connect to, and the jump hosts it would go through.
 */
final class SshConfigDump {

  /** Longest host name taken (DNS names have at most 253 characters; an IPv6 address with a zone fits). */
  static final int MAX_HOST_NAME_CHARS = 255;

  private SshConfigDump() {
  }

  /**
   * The value of the first {@code hostname} line of {@code output}, if it is one word of printable
   * characters that could be a host: not empty, at most {@value #MAX_HOST_NAME_CHARS} characters,
   * no blank, no control character, not starting with {@code -}. Empty when there is no such line
   * or its value is not like that (junk is never guessed into a host name).
   */
  static Optional<String> hostName(String output) {
    return output.lines()
        .filter(line -> keyword(line).equalsIgnoreCase("hostname"))
        .findFirst()
        .map(line -> line.substring("hostname".length()).strip())
        .filter(SshConfigDump::looksLikeHost);
  }

  /**
   * The value of the first {@code proxyjump} line, unless it is {@code none}; its hops are checked
   * by their parser. Empty when there is no such line.
   */
  static Optional<String> proxyJump(String output) {
    return output.lines()
        .filter(line -> keyword(line).equalsIgnoreCase("proxyjump"))
        .findFirst()
        .map(line -> line.substring("proxyjump".length()).strip())
        .filter(value -> !value.isEmpty() && !value.equalsIgnoreCase("none"));
  }

  private static String keyword(String line) {
    int blank = line.indexOf(' ');
    return blank < 0 ? line : line.substring(0, blank);
  }

  private static boolean looksLikeHost(String value) {
    return !value.isEmpty()
        && value.length() <= MAX_HOST_NAME_CHARS
        && !value.startsWith("-")
        && value.chars().noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c));
  }
}
