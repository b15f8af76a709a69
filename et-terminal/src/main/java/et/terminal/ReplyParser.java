package et.terminal;

import et.core.SessionCredentials;
import et.core.SessionId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses {@link BootstrapReply} lines: the line's length first, then its characters and fields,
 * then each value. The secret is taken verbatim (base64url needs no percent-encoding) and a
 * malformed one is reported without showing it.
 */
final class ReplyParser {
  private static final Map<String, Integer> SESSION_FIELDS = Map.of("nonce", 1, "id", 1, "secret", 1, "port", 1);
  private static final Map<String, Integer> ERROR_FIELDS = Map.of("nonce", 1, "reason", 1);
  private static final Map<String, Integer> SESSIONS_FIELDS =
      Map.of("nonce", 1, "total", 1, "session", BootstrapReply.Sessions.MAX_LISTED);
  private static final Map<String, Integer> KILLED_FIELDS = Map.of("nonce", 1, "id", 1);
  private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{" + BootstrapReply.Session.SECRET_CHARS + "}");

  private ReplyParser() {}

  static BootstrapReply parse(String line) throws BootstrapException {
    BootstrapLine.Split split = BootstrapLine.split(line);
    return switch (split.kind()) {
      case BootstrapReply.Session.KIND -> {
        Credentialed c = credentialed(BootstrapLine.group(split, SESSION_FIELDS, List.of("nonce", "id", "secret", "port")));
        yield new BootstrapReply.Session(c.nonce(), c.credentials(), c.port());
      }
      case BootstrapReply.Grant.KIND -> {
        Credentialed c = credentialed(BootstrapLine.group(split, SESSION_FIELDS, List.of("nonce", "id", "secret", "port")));
        yield new BootstrapReply.Grant(c.nonce(), c.credentials(), c.port());
      }
      case BootstrapReply.Error.KIND -> {
        Map<String, List<String>> fields = BootstrapLine.group(split, ERROR_FIELDS, List.of("nonce", "reason"));
        yield new BootstrapReply.Error(BootstrapNonce.parse(decoded(fields, "nonce")), decoded(fields, "reason"));
      }
      case BootstrapReply.Sessions.KIND -> sessions(BootstrapLine.group(split, SESSIONS_FIELDS, List.of("nonce", "total")));
      case BootstrapReply.Killed.KIND -> {
        Map<String, List<String>> fields = BootstrapLine.group(split, KILLED_FIELDS, List.of("nonce", "id"));
        yield new BootstrapReply.Killed(
            BootstrapNonce.parse(decoded(fields, "nonce")), BootstrapLine.hexDigits("id", decoded(fields, "id"), SessionId.BYTES));
      }
      default ->
          throw new BootstrapException(
              "expected an ET1 " + BootstrapReply.Session.KIND + ", " + BootstrapReply.Sessions.KIND + ", "
                  + BootstrapReply.Killed.KIND + ", " + BootstrapReply.Grant.KIND + " or " + BootstrapReply.Error.KIND
                  + " line, got ET1 " + Shown.value(split.kind()));
    };
  }

  /** The fields a session and a relay grant share. */
  private record Credentialed(BootstrapNonce nonce, SessionCredentials credentials, int port) {}

  private static Credentialed credentialed(Map<String, List<String>> fields) throws BootstrapException {
    BootstrapNonce nonce = BootstrapNonce.parse(decoded(fields, "nonce"));
    String id = BootstrapLine.hexDigits("id", decoded(fields, "id"), SessionId.BYTES);
    String secret = fields.get("secret").getFirst();
    if (!SECRET.matcher(secret).matches()) {
      throw new BootstrapException(
          "secret must be " + BootstrapReply.Session.SECRET_CHARS + " base64url characters (value not shown, "
              + secret.length() + " characters)");
    }
    int port = BootstrapLine.number("port", decoded(fields, "port"), 1, 65535);
    try {
      return new Credentialed(nonce, SessionCredentials.decode(id, secret), port);
    } catch (IllegalArgumentException e) {
      // Not chained: the decoder's message could quote the secret.
      throw new BootstrapException("secret is not valid base64url of 32 bytes (value not shown)");
    }
  }

  private static BootstrapReply.Sessions sessions(Map<String, List<String>> fields) throws BootstrapException {
    BootstrapNonce nonce = BootstrapNonce.parse(decoded(fields, "nonce"));
    int total = BootstrapLine.number("total", decoded(fields, "total"), 0, BootstrapReply.Sessions.MAX_TOTAL);
    List<ListedSession> listed = new ArrayList<>();
    for (String value : fields.getOrDefault("session", List.of())) {
      listed.add(ListedSession.decode(value));
    }
    if (total < listed.size()) {
      throw new BootstrapException("total " + total + " is less than the " + listed.size() + " sessions listed");
    }
    return new BootstrapReply.Sessions(nonce, total, listed);
  }

  private static String decoded(Map<String, List<String>> fields, String key) throws BootstrapException {
    return PercentCodec.decode(fields.get(key).getFirst(), key);
  }
}
