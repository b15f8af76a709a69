package et.terminal;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The jump hosts a client came through, as its user named them ({@code et -J} or ssh's ProxyJump),
 * first reached first: what {@code et --list} on the host shows beside the client's address (the
 * last jump host's). Written {@code hop[,hop]...}, each hop {@code [user@]host[:port]} (IPv6 in
 * brackets, or bare without a port).
 *
 * <p>Caps, checked by the constructor and {@link #parse}: 1..{@value #MAX_HOPS} hops, each
 * 1..{@value #MAX_HOP_CHARS} characters of {@code [A-Za-z0-9._-]}, {@code @}, {@code :}, {@code
 * [} and {@code ]}, neither user nor host starting with {@code -}; the whole path at most {@value
 * #MAX_CHARS} characters. The path is only shown, never run: the caps keep it short and plain.
 */
public record JumpPath(List<String> hops) {
  public static final int MAX_HOPS = 8;
  public static final int MAX_HOP_CHARS = 100;
  public static final int MAX_CHARS = 255;

  private static final String NAME = "[A-Za-z0-9._][A-Za-z0-9._-]*";
  private static final Pattern HOP = Pattern.compile(
      "(?:" + NAME + "@)?(?:" + NAME + "(?::[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](?::[0-9]{1,5})?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)");

  public JumpPath {
    hops = List.copyOf(hops);
    try {
      check(hops);
    } catch (BootstrapException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** The path {@code text} ({@code hop[,hop]...}) names; refused with the cap it breaks. */
  public static JumpPath parse(String text) throws BootstrapException {
    // The length before splitting, so nothing walks a long value.
    if (text.length() > MAX_CHARS) {
      throw new BootstrapException("via must be at most " + MAX_CHARS + " characters: " + text.length());
    }
    List<String> hops = List.of(text.split(",", -1));
    check(hops);
    return new JumpPath(hops);
  }

  private static void check(List<String> hops) throws BootstrapException {
    if (hops.isEmpty() || hops.size() > MAX_HOPS) {
      throw new BootstrapException("via must name 1.." + MAX_HOPS + " jump hosts, not " + hops.size());
    }
    for (String hop : hops) {
      Objects.requireNonNull(hop, "hop");
      if (hop.isEmpty() || hop.length() > MAX_HOP_CHARS || !HOP.matcher(hop).matches()) {
        throw new BootstrapException("via hop must be [user@]host[:port] of 1.." + MAX_HOP_CHARS
            + " characters of [A-Za-z0-9._-@:[]]: " + Shown.value(hop));
      }
    }
    int length = String.join(",", hops).length();
    if (length > MAX_CHARS) {
      throw new BootstrapException("via must be at most " + MAX_CHARS + " characters: " + length);
    }
  }

  /** {@code hop[,hop]...}, as {@link #parse} reads it. */
  @Override
  public String toString() {
    return String.join(",", hops);
  }
}
