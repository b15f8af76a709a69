package et.server.request;

import et.terminal.UserDirectories;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the session host of one user keeps its files, all derived from the user's home and runtime
 * directory:
 *
 * <ul>
 *   <li>{@code runtimeDir}: {@code $XDG_RUNTIME_DIR/et} if XDG_RUNTIME_DIR is set, else {@code
 *       ~/.et/run}; private (0700), holding {@code host.sock} (the unix socket etterminal asks for
 *       sessions on) and {@code host.lock} (held by the running host, with its pid inside);
 *   <li>{@code logFile}: {@code ~/.et/log/host.log}, the session host's log (in a 0700 directory,
 *       beside {@code etterminal.log} and {@code host.out}; see {@link HostLogging});
 *   <li>{@code configFile}: {@code ~/.config/et/server.conf} (optional).
 * </ul>
 *
 * The home and XDG_RUNTIME_DIR are as {@link UserDirectories} reads them.
 */
public record HostPaths(Path home, Path runtimeDir, Path logFile, Path configFile) {
  public static final String SOCKET_NAME = "host.sock";
  public static final String LOCK_NAME = "host.lock";

  public HostPaths {
    home = home.toAbsolutePath().normalize();
    runtimeDir = runtimeDir.toAbsolutePath().normalize();
    logFile = logFile.toAbsolutePath().normalize();
    configFile = configFile.toAbsolutePath().normalize();
  }

  /** The paths for the process environment {@code env} (normally {@link System#getenv()}). */
  public static HostPaths fromEnvironment(Map<String, String> env) {
    Path home = UserDirectories.home(env);
    Path runtime = UserDirectories.xdgRuntimeDir(env).map(xdg -> xdg.resolve("et")).orElse(home.resolve(".et").resolve("run"));
    return new HostPaths(
        home,
        runtime,
        home.resolve(".et").resolve("log").resolve("host.log"),
        home.resolve(".config").resolve("et").resolve("server.conf"));
  }

  /** etterminal's log, beside the host's. */
  public Path terminalLogFile() {
    return logFile.resolveSibling("etterminal.log");
  }

  /** What the session host's JVM writes on stdout and stderr (before its log is set up, or a crash). */
  public Path hostOutputFile() {
    return logFile.resolveSibling("host.out");
  }

  /** The unix socket etterminal connects to. */
  public Path socket() {
    return runtimeDir.resolve(SOCKET_NAME);
  }

  /** The file the running host holds a lock on. */
  public Path lockFile() {
    return runtimeDir.resolve(LOCK_NAME);
  }

}
