package et.terminal;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The user's home and runtime directory as an environment names them: where the session host keeps
 * its socket and log, and where a client offers its session to later ones.
 */
public final class UserDirectories {
  private UserDirectories() {}

  /**
   * {@code $HOME} when it is an absolute path (as shells and ssh's own tools take it), else the
   * JVM's {@code user.home} (the password database).
   */
  public static Path home(Map<String, String> environment) {
    return absolute(environment.get("HOME")).orElseGet(() -> Path.of(System.getProperty("user.home")));
  }

  /** {@code $XDG_RUNTIME_DIR} when it is an absolute path: XDG says relative ones are invalid and must be ignored. */
  public static Optional<Path> xdgRuntimeDir(Map<String, String> environment) {
    return absolute(environment.get("XDG_RUNTIME_DIR"));
  }

  private static Optional<Path> absolute(String value) {
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    Path path = Path.of(value);
    return path.isAbsolute() ? Optional.of(path) : Optional.empty();
  }
}
