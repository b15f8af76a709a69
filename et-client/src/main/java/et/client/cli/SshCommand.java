package et.client.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line that starts etterminal on the remote host through the user's own ssh.
 *
 * <p>Shape: {@code <ssh argv> -T -a -x -o ClearAllForwardings=yes [-o OPTION]... [-l USER] HOST --
 * <terminal path>}. {@code -T}
 * because the bootstrap is a line exchange over ssh's stdin/stdout: a remote PTY would echo the
 * request line back (where it would look like an answer) and translate line ends; no forwarding
 * (see {@link #BOOTSTRAP_FLAGS}). {@code --} so the
 * terminal path is never read as an ssh option. Nothing secret is ever part of it: the command
 * ({@code -c}), the nonce, and the session's credentials travel over ssh's stdin and stdout only,
 * because any local user can read a process's argv.
 *
 * <p>{@link #configQuery} is the other command et runs with the user's ssh: {@code <ssh argv>
 * [-o OPTION]... -G [-l USER] HOST}, which makes ssh print the configuration it would use for
 * HOST (after ~/.ssh/config's {@code Host}/{@code Match} blocks and the {@code -o} options) and
 * exit without connecting anywhere.
 */
public final class SshCommand {

  /**
   * No PTY, and none of the forwarding ~/.ssh/config may ask for (agent, X11, LocalForward,
   * RemoteForward, DynamicForward): the bootstrap is one line each way, and et makes the
   * configuration's forwardings itself, in its session.
   */
  static final List<String> BOOTSTRAP_FLAGS = List.of("-T", "-a", "-x", "-o", "ClearAllForwardings=yes");

  private SshCommand() {
  }

  /** Returns the argv to run (program first), built only from {@code options}; {@code -J} for its jump hosts. */
  public static List<String> build(ClientOptions options) {
    List<String> argv = new ArrayList<>(options.sshArgv());
    argv.addAll(BOOTSTRAP_FLAGS);
    addJumps(argv, options.route().jumps());
    addOptionsUserAndHost(argv, options);
    argv.add("--");
    argv.add(options.terminalPath());
    return List.copyOf(argv);
  }

  /** Returns the argv of ssh's configuration dump for the host, built only from {@code options}. */
  public static List<String> configQuery(ClientOptions options) {
    List<String> argv = new ArrayList<>(options.sshArgv());
    argv.add("-G");
    addOptionsUserAndHost(argv, options);
    return List.copyOf(argv);
  }

  /**
   * Returns the argv of {@code --via-ssh}'s transport: {@code <ssh argv> -o BatchMode=yes} and the
   * bootstrap's no-forwarding flags, {@code [-o OPTION]... -W TARGET [-l USER] HOST}; TARGET is
   * {@code host:port} ({@code [v6]:port}) as the ssh server resolves it.
   */
  public static List<String> stdioForward(ClientOptions options, String targetHost, int targetPort) {
    List<String> argv = new ArrayList<>(options.sshArgv());
    argv.addAll(List.of("-o", "BatchMode=yes", "-a", "-x", "-o", "ClearAllForwardings=yes"));
    argv.add("-W");
    argv.add((targetHost.contains(":") ? "[" + targetHost + "]" : targetHost) + ":" + targetPort);
    addOptionsUserAndHost(argv, options);
    return List.copyOf(argv);
  }

  /**
   * Returns the argv that starts etterminal on the jump host {@code jump}, through the hops {@code
   * before} it: {@code <ssh argv> <bootstrap flags> [-o BatchMode=yes] [-J BEFORE] [-p PORT] [-l
   * USER] HOST -- <terminal path>}. {@code batch} for a renewal during the session, when nobody can
   * type a password. The host's {@code --ssh-option}s are for the host, not its jump hosts (as ssh's -o).
   */
  public static List<String> jumpBootstrap(ClientOptions options, List<JumpHost> before, JumpHost jump, boolean batch) {
    List<String> argv = new ArrayList<>(options.sshArgv());
    argv.addAll(BOOTSTRAP_FLAGS);
    if (batch) {
      argv.addAll(List.of("-o", "BatchMode=yes"));
    }
    addJumps(argv, before);
    addJumpHost(argv, jump);
    argv.add("--");
    argv.add(options.terminalPath());
    return List.copyOf(argv);
  }

  /** Returns the argv of ssh's configuration dump for the jump host {@code jump}. */
  public static List<String> jumpConfigQuery(ClientOptions options, JumpHost jump) {
    List<String> argv = new ArrayList<>(options.sshArgv());
    argv.add("-G");
    addJumpHost(argv, jump);
    return List.copyOf(argv);
  }

  private static void addJumps(List<String> argv, List<JumpHost> jumps) {
    if (!jumps.isEmpty()) {
      argv.add("-J");
      argv.add(JumpHost.toSpec(jumps));
    }
  }

  private static void addJumpHost(List<String> argv, JumpHost jump) {
    jump.sshPort().ifPresent(port -> {
      argv.add("-p");
      argv.add(Integer.toString(port));
    });
    jump.user().ifPresent(user -> {
      argv.add("-l");
      argv.add(user);
    });
    argv.add(jump.host());
  }

  private static void addOptionsUserAndHost(List<String> argv, ClientOptions options) {
    for (String option : options.sshOptions()) {
      argv.add("-o");
      argv.add(option);
    }
    options.user().ifPresent(user -> {
      argv.add("-l");
      argv.add(user);
    });
    argv.add(options.host());
  }
}
