package et.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Local user accounts as sshd sees them, read and changed through the system's own tools (getent,
 * useradd, usermod, userdel). Changes need root.
 *
 * <p>Why the password field matters: with {@code UsePAM no}, sshd refuses every login, even by key,
 * to an account whose shadow password field starts with '!' (locked), which is what useradd gives
 * a new account. '*' means "no password can match" and is not locked, so key login works.
 */
public final class LocalAccounts {
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);
  // Conservative portable user names: no shell or option surprises when passed to the tools.
  private static final Pattern USER_NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,30}");

  private LocalAccounts() {}

  /** The user this JVM runs as. */
  public static String currentUser() {
    return System.getProperty("user.name");
  }

  /** True when this JVM runs with real uid 0 (read from /proc/self/status). */
  public static boolean isRoot() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream()
          .filter(line -> line.startsWith("Uid:"))
          .map(line -> line.substring(4).trim().split("\\s+")[0])
          .anyMatch("0"::equals);
    } catch (IOException e) {
      return "root".equals(currentUser());
    }
  }

  /** True when an account called {@code name} exists. */
  public static boolean exists(String name) {
    return getent("passwd", requireValid(name)).isPresent();
  }

  /** The account's home directory, from the passwd database. */
  public static Path home(String name) {
    String entry =
        getent("passwd", requireValid(name))
            .orElseThrow(() -> new IllegalArgumentException("no user " + name));
    return Path.of(entry.split(":", -1)[5]);
  }

  /**
   * The account's shadow password field ("*", "!", "!*", a hash, ...), empty when the account or
   * the shadow entry does not exist. Needs root to read /etc/shadow.
   */
  public static Optional<String> passwordField(String name) {
    return getent("shadow", requireValid(name)).map(entry -> entry.split(":", -1)[1]);
  }

  /** True when the shadow entry marks the account locked, which sshd honours without PAM. */
  public static boolean isLocked(String name) {
    return passwordField(name).map(field -> field.startsWith("!")).orElse(false);
  }

  /**
   * Makes {@code name} an account that can log in by key through a sshd with {@code UsePAM no}:
   * creates it ({@code useradd -m -s /bin/bash}) when missing, and sets its password field to '*'
   * when it is locked or empty. A real password hash is left alone. Returns true when the account
   * was created by this call. Root only.
   */
  public static boolean ensureUser(String name) {
    requireValid(name);
    if (!isRoot()) {
      throw new IllegalStateException("creating user " + name + " needs root");
    }
    boolean created = false;
    if (!exists(name)) {
      Commands.check(List.of("useradd", "-m", "-s", "/bin/bash", name), TOOL_TIMEOUT);
      created = true;
    }
    String field = passwordField(name).orElse("");
    if (field.isEmpty() || field.startsWith("!")) {
      Commands.check(List.of("usermod", "-p", "*", name), TOOL_TIMEOUT);
    }
    return created;
  }

  /** Removes the account and its home directory ({@code userdel -r}). Root only. */
  public static void deleteUser(String name) {
    Commands.check(List.of("userdel", "-r", requireValid(name)), TOOL_TIMEOUT);
  }

  private static Optional<String> getent(String database, String key) {
    CommandResult result = Commands.run(List.of("getent", database, key), TOOL_TIMEOUT);
    // getent exits 2 when the key is not found; anything else unexpected is an error.
    return switch (result.status()) {
      case 0 -> Optional.of(result.stdout().strip());
      case 2 -> Optional.empty();
      default -> throw new UncheckedIOException(
          new IOException("getent " + database + " " + key + " failed: " + result));
    };
  }

  private static String requireValid(String name) {
    if (!USER_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("unusual user name: " + name);
    }
    return name;
  }
}
