package et.server.process;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to run: the argument vector, the working directory and the environment variables to add.
 *
 * <p>The child's environment is the server's own ({@link System#getenv()}) with {@link #environment()}
 * laid over it, see {@link #fullEnvironment()}; a terminal sets TERM on top.
 *
 * @param command argument vector; the first element is the program (looked up on PATH if not a path)
 * @param directory working directory of the child
 * @param environment variables added to (or replacing) the inherited ones
 */
public record CommandSpec(List<String> command, Path directory, Map<String, String> environment) {

  public CommandSpec {
    command = List.copyOf(command);
    if (command.isEmpty()) {
      throw new IllegalArgumentException("empty command");
    }
    Objects.requireNonNull(directory, "directory");
    environment = Map.copyOf(environment);
  }

  /** The user's login shell (see {@link LoginShell}), run as a login shell. */
  public static CommandSpec loginShell(Path directory) {
    return new CommandSpec(List.of(userShell(), "-l"), directory, Map.of());
  }

  /** {@code commandLine} run by the user's shell with {@code -c}, as {@code et host -c CMD} does. */
  public static CommandSpec shellCommand(String commandLine, Path directory) {
    return new CommandSpec(List.of(userShell(), "-c", commandLine), directory, Map.of());
  }

  /** Any program with its arguments. */
  public static CommandSpec of(Path directory, String... command) {
    return new CommandSpec(List.of(command), directory, Map.of());
  }

  /** This command with {@code added} set in its environment, over what it sets already. */
  public CommandSpec withEnvironment(Map<String, String> added) {
    Map<String, String> merged = new LinkedHashMap<>(environment);
    merged.putAll(added);
    return new CommandSpec(command, directory, merged);
  }

  /**
   * The environment the child gets: the server's, with PWD set to {@link #directory()} (the
   * server's own would mislead a shell), overridden by {@link #environment()}. Mutable.
   */
  public Map<String, String> fullEnvironment() {
    Map<String, String> full = new HashMap<>(System.getenv());
    full.remove("OLDPWD");
    full.put("PWD", directory.toAbsolutePath().normalize().toString());
    full.putAll(environment);
    return full;
  }

  /** The user's login shell, see {@link LoginShell}. */
  public static String userShell() {
    return LoginShell.path();
  }
}
