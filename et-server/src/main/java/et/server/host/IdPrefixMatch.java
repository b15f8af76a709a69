package et.server.host;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Which session ids an {@code et --kill} prefix names (docs/TERMINAL.md): the ids that start with
 * it, compared in lower case. Only a match of exactly one session may be acted on; {@link
 * #refusal} says why any other is not.
 *
 * @param prefix   the prefix as asked, in lower case
 * @param matching the ids (32 lower-case hex digits) that start with it, in the order given
 */
public record IdPrefixMatch(String prefix, List<String> matching) {
  /** How many of the matching ids an ambiguity message names. */
  static final int NAMED_IN_REFUSAL = 5;
  /** Hex digits of each id an ambiguity message shows. */
  static final int SHOWN_DIGITS = 12;

  public IdPrefixMatch {
    matching = List.copyOf(matching);
  }

  /** The ids of {@code ids} that start with {@code prefix} (either case). */
  static IdPrefixMatch of(String prefix, Collection<String> ids) {
    String lower = prefix.toLowerCase(Locale.ROOT);
    return new IdPrefixMatch(lower, ids.stream().filter(id -> id.startsWith(lower)).toList());
  }

  /** The refusal when no session at all is there to match {@code prefix} (no session host runs). */
  public static String none(String prefix) {
    return of(prefix, List.of()).refusal();
  }

  /** Whether exactly one id matches. */
  boolean unique() {
    return matching.size() == 1;
  }

  /** Why the match names no single session: none matches, or several do (some of them named). */
  String refusal() {
    if (unique()) {
      throw new IllegalStateException("a unique match is no refusal: " + matching);
    }
    if (matching.isEmpty()) {
      return "no session of yours starts with " + prefix;
    }
    List<String> named = matching.stream().limit(NAMED_IN_REFUSAL).map(id -> id.substring(0, SHOWN_DIGITS)).toList();
    return matching.size() + " sessions start with " + prefix + " (" + String.join(", ", named)
        + (matching.size() > named.size() ? ", …" : "") + "): give more digits; nothing was ended";
  }
}
