package et.terminal;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code et --list}: asks for the user's sessions on the host (docs/TERMINAL.md), answered by
 * {@link BootstrapReply.Sessions}.
 *
 * <pre>ET1 LIST nonce=&lt;32 hex&gt;</pre>
 */
public record ListRequest(BootstrapNonce nonce) implements HostRequest {
  public static final String KIND = "LIST";

  public ListRequest {
    Objects.requireNonNull(nonce, "nonce");
  }

  /** A list request with a fresh random nonce. */
  public static ListRequest create() {
    return new ListRequest(BootstrapNonce.random());
  }

  @Override
  public String toLine() {
    return BootstrapLine.PREFIX + KIND + " nonce=" + nonce;
  }

  /** The list request {@code line} carries; any field but {@code nonce} is refused. */
  public static ListRequest parse(String line) throws BootstrapException {
    BootstrapLine.Split split = BootstrapLine.split(line);
    BootstrapLine.expectKind(split, KIND);
    Map<String, List<String>> fields = BootstrapLine.group(split, Map.of("nonce", 1), List.of("nonce"));
    return new ListRequest(BootstrapNonce.parse(fields.get("nonce").getFirst()));
  }
}
