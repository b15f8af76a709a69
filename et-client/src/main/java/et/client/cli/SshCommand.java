package et.client.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line that starts etterminal on the remote host through the user's own ssh.
 *
 * <p>Shape: {@code <ssh argv> -T [-o OPTION]... [-l USER] HOST -- <terminal path>}. {@code -T}
 * because the bootstrap is a line exchange over ssh's stdin/stdout: a remote PTY would echo the
 * request line back (where it would look like an answer) and translate line ends. {@code --} so the
 * terminal path is never read as an ssh option. Nothing secret is ever part of it: the command
 * ({@code -c}), the nonce, and the session's credentials travel over ssh's stdin and stdout only,
 * because any local user can read a process's argv.
 */
public final class SshCommand {

  private SshCommand() {
  }

  /** Returns the argv to run (program first), built only from {@code options}. */
  public static List<String> build(ClientOptions options) {
    List<String> argv = new ArrayList<>(options.sshArgv());
    argv.add("-T");
    for (String option : options.sshOptions()) {
      argv.add("-o");
      argv.add(option);
    }
    options.user().ifPresent(user -> {
      argv.add("-l");
      argv.add(user);
    });
    argv.add(options.host());
    argv.add("--");
    argv.add(options.terminalPath());
    return List.copyOf(argv);
  }
}
