package et.client.cli;

import et.terminal.forward.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything {@code et} was asked to do, parsed and checked: an instance is always valid (the
 * compact constructor rejects anything else with an {@link IllegalArgumentException} whose message
 * is meant for the user).
 *
 * @param user         the remote user, if given ({@code user@host} or {@code --user}); otherwise ssh decides
 * @param host         the host to ssh to: not empty, not starting with {@code -} (ssh would read it as an
 *                     option), no blanks or control characters
 * @param port         the et port, overriding the one etterminal reports in the bootstrap answer
 * @param command      a command to run instead of the login shell ({@code -c}); sent over ssh's stdin in the
 *                     bootstrap request, never on a command line
 * @param noexit       keep the shell after {@code command} ends ({@code -e}); needs a command
 * @param sshArgv      the ssh program and its own arguments ({@code --ssh}), at least the program
 * @param sshOptions   ssh options, each passed as {@code -o OPTION}
 * @param terminalPath the program to start on the remote host ({@code --terminal-path})
 * @param keepalive    the et keepalive interval, whole seconds in 1..60; see {@link #deadAfter()}
 * @param refusalLimit how long every reconnection may be refused, without proof that the host knows
 *                     the session, before et gives up; whole seconds, 0..86400
 * @param logging      how much et says and where ({@code -v}, {@code --log-file})
 * @param tunnels      local connections forwarded through the session ({@code -t}, {@code -L})
 * @param reverseTunnels the host's listeners whose connections come back to this machine ({@code -r}, {@code -R})
 * @param socksProxies where SOCKS proxies listen, whose connections go through the session ({@code -D})
 * @param noTerminal   run no program, only the tunnels and proxies ({@code -N}); takes no command
 * @param forwardAgent the program on the host reaches this machine's ssh agent ({@code -A})
 * @param route        how et's own connection reaches the host: straight, or through ssh ({@code --via-ssh})
 * @param share        ask a running et to the same destination for the session instead of running ssh, and offer
 *                     this one's to later ones (not {@code --no-share}; see {@code SessionSharing})
 * @param action       a new session, or {@code --list} / {@code --kill}, which take none of the
 *                     session's options (command, tunnels, agent)
 */
public record ClientOptions(
    Optional<String> user,
    String host,
    OptionalInt port,
    Optional<String> command,
    boolean noexit,
    List<String> sshArgv,
    List<String> sshOptions,
    String terminalPath,
    Duration keepalive,
    Duration refusalLimit,
    LogSettings logging,
    List<TunnelSpec.Tunnel> tunnels,
    List<TunnelSpec.Tunnel> reverseTunnels,
    List<Endpoint.Tcp> socksProxies,
    boolean noTerminal,
    boolean forwardAgent,
    Route route,
    boolean share,
    HostAction action) {

  /** Smallest and largest keepalive interval, in seconds. */
  public static final int MIN_KEEPALIVE_SECONDS = 1;
  public static final int MAX_KEEPALIVE_SECONDS = 60;
  /** A connection is declared dead after this many keepalive intervals without any frame. */
  public static final int DEAD_AFTER_KEEPALIVES = 3;
  /** Longest refusal limit, in seconds: a day. */
  public static final int MAX_REFUSAL_LIMIT_SECONDS = 86_400;

  public ClientOptions {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(port, "port");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(terminalPath, "terminalPath");
    Objects.requireNonNull(keepalive, "keepalive");
    Objects.requireNonNull(refusalLimit, "refusalLimit");
    Objects.requireNonNull(logging, "logging");
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(action, "action");
    sshArgv = List.copyOf(sshArgv);
    sshOptions = List.copyOf(sshOptions);
    tunnels = List.copyOf(tunnels);
    reverseTunnels = List.copyOf(reverseTunnels);
    socksProxies = List.copyOf(socksProxies);

    user.ifPresent(u -> requireText("user", u));
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host is empty: give [user@]host[:port]");
    }
    requireText("host", host);
    if (host.startsWith("-")) {
      throw new IllegalArgumentException("host '" + host + "' starts with '-': ssh would read it as an option");
    }
    if (port.isPresent() && (port.getAsInt() < 1 || port.getAsInt() > 65535)) {
      throw new IllegalArgumentException("port must be in 1..65535, got " + port.getAsInt());
    }
    if (command.isPresent() && command.get().isBlank()) {
      throw new IllegalArgumentException("--command is empty");
    }
    if (noTerminal && (command.isPresent() || noexit)) {
      throw new IllegalArgumentException("--no-terminal runs no command: give -N or --command, not both");
    }
    if (noexit && command.isEmpty()) {
      throw new IllegalArgumentException("--noexit needs --command (it keeps the shell after the command ends)");
    }
    if (sshArgv.isEmpty() || sshArgv.getFirst().isEmpty()) {
      throw new IllegalArgumentException("--ssh names no program");
    }
    for (String option : sshOptions) {
      if (option.isBlank()) {
        throw new IllegalArgumentException("--ssh-option is empty");
      }
    }
    if (terminalPath.isBlank()) {
      throw new IllegalArgumentException("--terminal-path is empty");
    }
    if (terminalPath.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("--terminal-path contains a control character");
    }
    if (!(action instanceof HostAction.NewSession)
        && (command.isPresent() || noexit || noTerminal || forwardAgent
            || !tunnels.isEmpty() || !reverseTunnels.isEmpty() || !socksProxies.isEmpty())) {
      throw new IllegalArgumentException((action instanceof HostAction.ListSessions ? "--list" : "--kill")
          + " starts no session: it takes no command, -N, tunnel, proxy or agent option");
    }
    long seconds = keepalive.getSeconds();
    if (keepalive.getNano() != 0 || seconds < MIN_KEEPALIVE_SECONDS || seconds > MAX_KEEPALIVE_SECONDS) {
      throw new IllegalArgumentException("keepalive must be whole seconds in " + MIN_KEEPALIVE_SECONDS + ".."
          + MAX_KEEPALIVE_SECONDS + ", got " + describe(keepalive));
    }
    if (refusalLimit.getNano() != 0 || refusalLimit.isNegative() || refusalLimit.getSeconds() > MAX_REFUSAL_LIMIT_SECONDS) {
      throw new IllegalArgumentException("--refusal-limit must be whole seconds in 0.." + MAX_REFUSAL_LIMIT_SECONDS
          + ", got " + describe(refusalLimit));
    }
  }

  /** Whether et shows its progress notes ({@code -v}). */
  public boolean verbose() {
    return logging.verbosity() > 0;
  }

  /** How long without any frame before a connection counts as dead: {@value #DEAD_AFTER_KEEPALIVES} keepalives. */
  public Duration deadAfter() {
    return keepalive.multipliedBy(DEAD_AFTER_KEEPALIVES);
  }

  /** A user or host must be printable text: a blank or control character would split or garble ssh's argv. */
  private static void requireText(String what, String value) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException(what + " is empty");
    }
    if (value.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw new IllegalArgumentException(what + " '" + value.strip() + "' contains a blank or control character");
    }
  }

  private static String describe(Duration d) {
    return d.getNano() == 0 ? d.getSeconds() + " s" : d.toString();
  }
}
