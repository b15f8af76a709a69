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
 * <p>The child's environment is built afresh, never the server's own, see {@link
 * #fullEnvironment()}; a terminal sets TERM on top.
 *
 * @param command argument vector; the first element is the program (looked up on PATH if not a path)
 * @param directory working directory of the child
 * @param environment variables added to (or replacing) the fresh ones
 */
public record CommandSpec(List<String> command, Path directory, Map<String, String> environment) {
  /** PATH before the login shell's profile, as sshd sets it on Debian. */
  public static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin:/usr/games";

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
   * The environment the child gets, built afresh as a login does: the account's USER, LOGNAME,
   * HOME and SHELL, {@value #DEFAULT_PATH} as PATH (the login shell's profile extends it), PWD,
   * the server's XDG_RUNTIME_DIR if it has one (the user's own runtime directory), then {@link
   * #environment()}. Never the rest of the server's own environment, which came with whichever
   * ssh login started it (DISPLAY, KRB5CCNAME, LD_PRELOAD, BASH_ENV, its PATH). Mutable.
   */
  public Map<String, String> fullEnvironment() {
    Map<String, String> full = new HashMap<>();
    String user = System.getProperty("user.name");
    full.put("USER", user);
    full.put("LOGNAME", user);
    full.put("HOME", System.getProperty("user.home"));
    full.put("SHELL", userShell());
    full.put("PATH", DEFAULT_PATH);
    full.put("PWD", directory.toAbsolutePath().normalize().toString());
    String runtime = System.getenv("XDG_RUNTIME_DIR");
    if (runtime != null) {
      full.put("XDG_RUNTIME_DIR", runtime);
    }
    full.putAll(environment);
    return full;
  }

  /** The user's login shell, see {@link LoginShell}. */
  public static String userShell() {
    return LoginShell.path();
  }
}
