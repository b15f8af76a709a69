package et.terminal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code et -J}: asks a jump host's session host for a relay grant to one destination host
 * (docs/TERMINAL.md, docs/PROTOCOL.md section 10), answered by {@link BootstrapReply.Grant} or an
 * error (relaying disabled or that host not allowed by the jump host's server.conf).
 *
 * <pre>ET1 RELAY nonce=&lt;32 hex&gt; to=&lt;percent-encoded host&gt;</pre>
 *
 * The host is the next hop as the jump host resolves it: 1..{@value #MAX_HOST_BYTES} bytes of
 * UTF-8, no blank or control character.
 */
public record RelayRequest(BootstrapNonce nonce, String to) implements HostRequest {
  public static final String KIND = "RELAY";
  public static final int MAX_HOST_BYTES = 255;

  public RelayRequest {
    Objects.requireNonNull(nonce, "nonce");
    Objects.requireNonNull(to, "to");
    try {
      checkHost(to);
    } catch (BootstrapException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** A relay request with a fresh random nonce; IllegalArgumentException for a bad host. */
  public static RelayRequest create(String to) {
    return new RelayRequest(BootstrapNonce.random(), to);
  }

  @Override
  public String toLine() {
    return BootstrapLine.PREFIX + KIND + " nonce=" + nonce + " to=" + PercentCodec.encode(to);
  }

  /** The relay request {@code line} carries: exactly {@code nonce} and {@code to}. */
  public static RelayRequest parse(String line) throws BootstrapException {
    BootstrapLine.Split split = BootstrapLine.split(line);
    BootstrapLine.expectKind(split, KIND);
    Map<String, List<String>> fields = BootstrapLine.group(split, Map.of("nonce", 1, "to", 1), List.of("nonce", "to"));
    String to = PercentCodec.decode(fields.get("to").getFirst(), "to");
    checkHost(to);
    return new RelayRequest(BootstrapNonce.parse(fields.get("nonce").getFirst()), to);
  }

  private static void checkHost(String host) throws BootstrapException {
    int bytes = host.getBytes(StandardCharsets.UTF_8).length;
    if (bytes == 0 || bytes > MAX_HOST_BYTES
        || host.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw new BootstrapException("to must be a host name of 1.." + MAX_HOST_BYTES
          + " bytes without blanks or control characters: " + Shown.value(host));
    }
  }
}
