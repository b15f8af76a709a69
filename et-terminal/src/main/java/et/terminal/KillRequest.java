package et.terminal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@code et --kill ID}: asks the host to end the user's one session whose id starts with {@code
 * idPrefix} (docs/TERMINAL.md), answered by {@link BootstrapReply.Killed} or, when no session or
 * more than one matches, an error that says so.
 *
 * <pre>ET1 KILL nonce=&lt;32 hex&gt; id=&lt;4..32 hex&gt;</pre>
 *
 * The prefix is kept in lower case. A killed session ends as a close from the host with {@link
 * #EXIT_STATUS} and {@link #REASON} ({@link #OTHERS_REASON} for {@code et -x}).
 */
public record KillRequest(BootstrapNonce nonce, String idPrefix) implements HostRequest {
  public static final String KIND = "KILL";
  /** Fewer hex digits than this would make a mistyped id end some other session too easily. */
  public static final int MIN_PREFIX_DIGITS = 4;
  public static final int MAX_PREFIX_DIGITS = 32;
  /** The status the killed session's client exits with: a shell's on SIGHUP (128 + 1). */
  public static final int EXIT_STATUS = 129;
  /** The close reason of a session ended by {@code et --kill}. */
  public static final String REASON = "ended by et --kill";
  /** The close reason of a session ended by another client's {@code et -x}. */
  public static final String OTHERS_REASON = "ended by et --kill-other-sessions";
  /** The close reason of a session ended because its session host was stopped (SIGTERM), with the same status. */
  public static final String HOST_STOPPED_REASON = "ended: the session host was stopped";

  private static final Pattern PREFIX =
      Pattern.compile("[0-9a-fA-F]{" + MIN_PREFIX_DIGITS + "," + MAX_PREFIX_DIGITS + "}");

  public KillRequest {
    Objects.requireNonNull(nonce, "nonce");
    Objects.requireNonNull(idPrefix, "idPrefix");
    try {
      idPrefix = checkedPrefix(idPrefix);
    } catch (BootstrapException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** A kill request with a fresh random nonce; IllegalArgumentException for a bad prefix. */
  public static KillRequest create(String idPrefix) {
    return new KillRequest(BootstrapNonce.random(), idPrefix);
  }

  @Override
  public String toLine() {
    return BootstrapLine.PREFIX + KIND + " nonce=" + nonce + " id=" + idPrefix;
  }

  /** The kill request {@code line} carries: exactly {@code nonce} and {@code id}. */
  public static KillRequest parse(String line) throws BootstrapException {
    BootstrapLine.Split split = BootstrapLine.split(line);
    BootstrapLine.expectKind(split, KIND);
    Map<String, List<String>> fields =
        BootstrapLine.group(split, Map.of("nonce", 1, "id", 1), List.of("nonce", "id"));
    BootstrapNonce nonce = BootstrapNonce.parse(fields.get("nonce").getFirst());
    return new KillRequest(nonce, checkedPrefix(fields.get("id").getFirst()));
  }

  private static String checkedPrefix(String prefix) throws BootstrapException {
    if (!PREFIX.matcher(prefix).matches()) {
      throw new BootstrapException("id must be " + MIN_PREFIX_DIGITS + ".." + MAX_PREFIX_DIGITS
          + " hex digits (the start of a session id): " + Shown.value(prefix));
    }
    return prefix.toLowerCase(Locale.ROOT);
  }
}
