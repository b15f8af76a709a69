package et.server.session;

import java.util.ArrayList;
import java.util.List;

/**
 * Which of a request's {@code env} variables a session's program gets: the client's locale and
 * colours (LANG, LC_*, COLORTERM, as sshd's default AcceptEnv) always, and what server.conf's
 * {@code accept-env} adds. An entry is a name, or a prefix ending in {@code *}.
 *
 * <p>Variables the session host sets itself (HOME, PATH, TERM, SSH_AUTH_SOCK, …) and those that
 * change which code runs (LD_*, BASH_ENV, …) cannot be added: a client could otherwise run what it
 * likes before the user's own shell starts.
 */
public record AcceptedEnvironment(List<String> added) {
  private static final List<String> ALWAYS = List.of("LANG", "LC_*", "COLORTERM");
  private static final List<String> NEVER = List.of(
      "HOME", "USER", "LOGNAME", "SHELL", "PATH", "PWD", "TERM", "XDG_RUNTIME_DIR", "SSH_AUTH_SOCK",
      "LD_*", "BASH_ENV", "ENV", "BASH_FUNC_*", "IFS", "SHELLOPTS", "BASHOPTS", "PS4", "PROMPT_COMMAND");
  private static final String NAME_OR_PREFIX = "[A-Za-z_][A-Za-z0-9_]*\\*?";

  public AcceptedEnvironment {
    added = List.copyOf(added);
  }

  /** Only the client's locale and colours. */
  public static AcceptedEnvironment defaults() {
    return new AcceptedEnvironment(List.of());
  }

  /** The entries of an {@code accept-env} value, separated by blanks; a bad or forbidden one is refused. */
  public static AcceptedEnvironment parse(String value) {
    List<String> entries = new ArrayList<>();
    for (String entry : value.strip().split("\\s+")) {
      if (!entry.matches(NAME_OR_PREFIX)) {
        throw new IllegalArgumentException("\"" + entry + "\" is not a variable name or a prefix ending in *");
      }
      for (String never : NEVER) {
        if (matches(never, entry.replace("*", "")) || matches(entry, never.replace("*", ""))) {
          throw new IllegalArgumentException(entry + " may not be accepted: " + never
              + " is set by the session host or changes what code runs");
        }
      }
      entries.add(entry);
    }
    return new AcceptedEnvironment(entries);
  }

  /** Whether a request may set {@code name}. */
  public boolean accepts(String name) {
    return ALWAYS.stream().anyMatch(pattern -> matches(pattern, name))
        || added.stream().anyMatch(pattern -> matches(pattern, name));
  }

  private static boolean matches(String pattern, String name) {
    return pattern.endsWith("*") ? name.startsWith(pattern.substring(0, pattern.length() - 1)) : name.equals(pattern);
  }

  @Override
  public String toString() {
    return String.join(" ", ALWAYS) + (added.isEmpty() ? "" : " " + String.join(" ", added));
  }
}
