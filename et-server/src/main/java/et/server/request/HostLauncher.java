package et.server.request;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tinylog.Logger;

/**
 * Starts the session host detached from the ssh session that runs etterminal: {@code setsid
 * launcher/et-host} in a new session (no controlling terminal, so the end of the ssh session
 * sends it no hang-up), stdin from /dev/null and stdout/stderr to {@code host.out} beside the host
 * log (written afresh at each start), so that no pipe of the ssh session stays open and ssh can
 * exit. The host inherits etterminal's
 * environment without the variables that belong to this one ssh connection, and with one malloc
 * arena (see {@link #HOST_VARIABLES}).
 *
 * <p>{@code ET_HOST_IDLE_EXIT} (seconds), when set, is passed on as {@code --idle-exit}: tests use
 * it so the hosts they start do not outlive them.
 */
public final class HostLauncher {
  public static final String IDLE_EXIT_VARIABLE = "ET_HOST_IDLE_EXIT";
  private static final String SETSID = "/usr/bin/setsid";
  /**
   * Describe one ssh connection (stale, or misleading, in the shells of later sessions), or this
   * etterminal's start of the host.
   */
  private static final List<String> CONNECTION_VARIABLES = List.of(
      "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY", "SSH_AUTH_SOCK", "SSH_ORIGINAL_COMMAND", IDLE_EXIT_VARIABLE);

  /**
   * glibc's malloc gives threads that allocate at once arenas of their own, up to eight a CPU, and
   * each keeps the pages its few live blocks sit on: an idle host holds less with one arena
   * (docs/BENCHMARKS.md). The host's programs get an environment built afresh ({@code
   * CommandSpec}), without it.
   */
  static final Map<String, String> HOST_VARIABLES = Map.of("MALLOC_ARENA_MAX", "1");

  private final Path hostCommand;
  private final HostPaths paths;
  private final Map<String, String> environment;

  /**
   * @param hostCommand the et-host launcher script
   * @param environment etterminal's environment
   */
  public HostLauncher(Path hostCommand, HostPaths paths, Map<String, String> environment) {
    this.hostCommand = hostCommand;
    this.paths = paths;
    this.environment = Map.copyOf(environment);
  }

  /** Starts the host; the process is the host itself (setsid runs it in place). */
  public Process start() throws IOException {
    if (!Files.isExecutable(hostCommand)) {
      throw new IOException("cannot start the session host: " + hostCommand + " is not executable");
    }
    if (!Files.isExecutable(Path.of(SETSID))) {
      throw new IOException("cannot start the session host: " + SETSID + " (util-linux) is missing");
    }
    List<String> command = new ArrayList<>(List.of(SETSID, hostCommand.toString()));
    String idleExit = environment.get(IDLE_EXIT_VARIABLE);
    if (idleExit != null) {
      if (!idleExit.matches("[0-9]{1,9}")) {
        throw new IOException(IDLE_EXIT_VARIABLE + " must be a number of seconds: " + idleExit);
      }
      command.addAll(List.of("--idle-exit", idleExit));
    }
    File output = PrivateFile.ensure(paths.hostOutputFile()).toFile();
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(paths.home().toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.to(output))
            .redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(environment);
    CONNECTION_VARIABLES.forEach(builder.environment()::remove);
    builder.environment().putAll(HOST_VARIABLES);
    Process host = builder.start();
    Logger.info("started the session host: pid {}", host.pid());
    return host;
  }
}
