package et.server.session;

import et.server.process.CommandSpec;
import et.terminal.BootstrapRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tinylog.Logger;

/**
 * What a session runs, from its request (docs/TERMINAL.md), always through the user's login shell
 * ({@code $SHELL -l}, so the profile sets PATH and the like as for an ssh login) in the user's
 * home, with HOME set to it and the request's {@code env} added as far as the host accepts it
 * ({@link AcceptedEnvironment}: a client sets its locale and colours, never the shell's PATH or
 * LD_PRELOAD):
 *
 * <ul>
 *   <li>no command: the login shell ({@code $SHELL -l}); in pipe mode it reads its commands from
 *       stdin, as {@code ssh host < script} does;
 *   <li>{@code command}: {@code $SHELL -l -c COMMAND};
 *   <li>{@code command} with {@code noexit} (terminal mode only): {@code $SHELL -l -c 'COMMAND
 *       <newline> exec $SHELL -l'}: the command, then an interactive shell in its place. A newline,
 *       not {@code ;}, so a command ending in a comment does not swallow the exec.
 * </ul>
 */
public final class SessionCommand {
  private SessionCommand() {}

  static CommandSpec forTerminal(BootstrapRequest request, Path home, AcceptedEnvironment accepted) {
    String shell = CommandSpec.userShell();
    List<String> argv = new ArrayList<>(List.of(shell, "-l"));
    request
        .command()
        .ifPresent(
            command -> {
              argv.add("-c");
              argv.add(request.noexit() ? command + "\nexec " + quoted(shell) + " -l" : command);
            });
    return new CommandSpec(argv, home, environment(request, home, accepted));
  }

  static CommandSpec forPipes(BootstrapRequest request, Path home, AcceptedEnvironment accepted) {
    List<String> argv = new ArrayList<>(List.of(CommandSpec.userShell(), "-l"));
    request.command().ifPresent(command -> argv.addAll(List.of("-c", command)));
    return new CommandSpec(argv, home, environment(request, home, accepted));
  }

  // HOME is the home the host serves (its runtime and log paths come from it too); of the
  // request's env only what the client may set comes last, as the client's choice.
  private static Map<String, String> environment(BootstrapRequest request, Path home, AcceptedEnvironment accepted) {
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("HOME", home.toString());
    request.env().forEach((name, value) -> {
      if (accepted.accepts(name)) {
        environment.put(name, value);
      } else {
        Logger.info("ignored {} in a session's request: the client may set {}", name, accepted);
      }
    });
    return environment;
  }

  /** {@code text} as one POSIX shell word. */
  public static String quoted(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }
}
