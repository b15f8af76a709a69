package et.client.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code et} command line (picocli): parses the arguments into {@link ClientOptions} and hands
 * them to a {@link SessionRunner}. A {@link ClientOptions} that does not validate is reported as a
 * usage error (exit {@link ExitCodes#USAGE}), like any error picocli finds itself.
 *
 * <p>One instance parses one command line (picocli fills the fields).
 */
@Command(
    name = "et",
    mixinStandardHelpOptions = true,
    versionProvider = EtVersion.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    customSynopsis = "et [OPTIONS] [user@]host[:port]",
    description = {
      "A remote shell that survives network changes.",
      "",
      "et runs your own ssh to start etterminal on HOST, then talks to it directly over an "
          + "encrypted connection. When the network drops (roaming, sleep, a new address), et "
          + "reconnects by itself and the session resumes where it was: no output lost, "
          + "nothing typed twice. Type ~? at the start of a line for the escapes (~. disconnects, ~^Z suspends).",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  et myhost                         a login shell on myhost",
      "  et -c 'tail -f log' alice@myhost  run a command as alice",
      "  et -J bastion myhost              through bastion's et relay",
      "  et --via-ssh myhost               only ssh's port is open to myhost",
      "  et -p 2022 myhost                 use et port 2022 on myhost",
      "  et -t 8888:8888 myhost            port 8888 here reaches myhost's",
      "  et -N -L 5432:db:5432 myhost      tunnel only: 5432 here reaches db",
      "  et -r 9000:3000 myhost            myhost's port 9000 reaches 3000 here",
      "  et -A myhost                      ssh on myhost uses your local agent",
      "  et -D 1080 myhost                 a SOCKS5 proxy on 1080 via myhost",
      "  et --list myhost                  your sessions on myhost",
      "  et --kill 3f2a9c01 myhost         end one of them",
      "  et --no-share myhost              ssh logs in even while an et is on myhost",
      "",
      "LocalForward, RemoteForward, DynamicForward and ForwardAgent in your ssh "
          + "configuration for the host apply too, as ssh would make them.",
      "",
      "Faster starts: run et-agent once (like ssh-agent; et-agent --stop ends it). While it runs, "
          + "et on a terminal is a small program that hands the terminal to the agent, which runs "
          + "the session and keeps one to each host for 10 minutes after the last et there, so that "
          + "the next et to that host needs no ssh login.",
      "",
      "Exit status: that of the remote shell or command; 129 when the session was ended "
          + "by et --kill or et -x; 1 when et itself fails; 2 for a usage error (nothing was started)."
    })
public final class EtCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "[user@]host[:port]",
      description = "Where to connect. The port is the et port (as --port). "
          + "IPv6 with a port: [::1]:2022. ssh's own port: --ssh 'ssh -p N' or --ssh-option Port=N.")
  private String destination;

  @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "Remote user (default: ssh's choice).")
  private String user;

  @Option(names = {"-p", "--port"}, paramLabel = "PORT",
      description = "et port on the host, overriding the one etterminal reports.")
  private Integer port;

  @Option(names = {"-c", "--command"}, paramLabel = "CMD",
      description = "Run CMD instead of a login shell. It is sent over ssh's stdin, never on a command line.")
  private String command;

  @Option(names = {"-e", "--noexit"}, description = "Keep the shell open after CMD ends (needs -c).")
  private boolean noexit;

  @Option(names = "--ssh", paramLabel = "CMD", defaultValue = "ssh",
      description = "The ssh command, split like a shell does (quotes, backslashes; no expansion). "
          + "Default: ${DEFAULT-VALUE}.")
  private String ssh;

  @Option(names = "--ssh-option", paramLabel = "OPT",
      description = "An ssh option, passed as -o OPT. Repeatable.")
  private List<String> sshOptions = new ArrayList<>();

  @Option(names = {"-J", "--jumphost"}, paramLabel = "[user@]host[:port][,...]",
      description = "Reach the host through these jump hosts, as ssh -J does (the port is ssh's there). "
          + "ssh logs in to each to start etterminal there too; et's connection then goes through their "
          + "et relays, end to end encrypted (a jump host never holds the session's keys), and each hop "
          + "reconnects by itself; when a jump host's et host has restarted, et logs in there again with "
          + "BatchMode (a key or agent, no typing) for a new relay grant. Without -J, a ProxyJump in your "
          + "ssh configuration for the host applies. The host's et --list shows the jump hosts. "
          + "A jump host's server.conf may narrow or turn off relaying (permit-relay).")
  private String jumpHosts;

  @Option(names = "--via-ssh",
      description = "Carry et's connection through ssh (ssh -W HOST:PORT, run again on every reconnect) "
          + "where only ssh's port is reachable. ssh runs with BatchMode=yes then: its login must not "
          + "need a password or passphrase (use a key in ssh-agent).")
  private boolean viaSsh;

  @Option(names = "--no-share",
      description = "Always log in with ssh. Without it, while one et is connected to a host, another et to "
          + "the same destination (same ssh options, no -J, no --via-ssh) asks the running one for its session "
          + "instead of logging in again, as ssh's ControlMaster does; the running one offers this on a unix "
          + "socket only you can reach ($XDG_RUNTIME_DIR/et/share, else ~/.et/share).")
  private boolean noShare;

  @Option(names = "--terminal-path", paramLabel = "PATH", defaultValue = "etterminal",
      description = "etterminal on the remote host. Default: ${DEFAULT-VALUE}.")
  private String terminalPath;

  @Option(names = {"-k", "--keepalive"}, paramLabel = "SECONDS", defaultValue = "1",
      description = "Keepalive interval in seconds, 1..60 (ten times longer while the session is idle); "
          + "a connection that leaves a keepalive or data unanswered for 3 intervals is dropped and "
          + "re-dialed. Default: ${DEFAULT-VALUE}.")
  private int keepaliveSeconds;

  @Option(names = "--refusal-limit", paramLabel = "SECONDS", defaultValue = "600",
      description = "When the host refuses every reconnection without proving that it knows the session "
          + "(anyone on the network path could send such a refusal; so does a session host that was "
          + "restarted), keep trying this long before giving up, 0..86400. A refusal the host proves "
          + "ends the session at once. Default: ${DEFAULT-VALUE}.")
  private int refusalLimitSeconds;

  @Option(names = {"-t", "--tunnel"}, paramLabel = "SPEC",
      description = "Forward connections made to this machine through the session to the host: "
          + "[bind:]port:[host:]hostport (host as seen from the host, default localhost), "
          + "ranges 8000-8010:9000-9010, unix socket paths on either side; several separated by "
          + "commas, or repeated. They survive network changes like the shell.")
  private List<String> tunnels = new ArrayList<>();

  @Option(names = "-L", paramLabel = "SPEC", description = "As --tunnel, as ssh users write it.")
  private List<String> sshTunnels = new ArrayList<>();

  @Option(names = {"-r", "--reversetunnel"}, paramLabel = "SPEC",
      description = "Forward connections made to the host back through the session to this machine: "
          + "the same forms as --tunnel, the first part on the host (its loopback unless you name an "
          + "address and its server.conf has gateway-ports=yes), the second as seen from here.")
  private List<String> reverseTunnels = new ArrayList<>();

  @Option(names = "-R", paramLabel = "SPEC", description = "As --reversetunnel, as ssh users write it.")
  private List<String> sshReverseTunnels = new ArrayList<>();

  @Option(names = {"-A", "-f", "--forward-ssh-agent"},
      description = "Let the shell on the host use this machine's ssh agent (SSH_AUTH_SOCK there points "
          + "at a private socket whose connections reach your agent). Only to hosts you trust: "
          + "their root can use your keys while you are connected.")
  private boolean forwardAgent;

  @Option(names = {"-D", "--dynamic"}, paramLabel = "SPEC",
      description = "A SOCKS5 proxy on this machine whose connections go out from the host: [bind:]port "
          + "(bind default 127.0.0.1, IPv6 in brackets); names are resolved on the host. Repeatable.")
  private List<String> socksProxies = new ArrayList<>();

  @Option(names = {"-N", "--no-terminal"},
      description = "No shell or command on the host: only the tunnels and SOCKS proxies, "
          + "until et is interrupted (Ctrl-C).")
  private boolean noTerminal;

  @Option(names = "--list",
      description = "List your sessions on the host (id, mode, command, started, last contact, client "
          + "and the jump hosts it came through, bytes not yet acknowledged) and exit; starts no session.")
  private boolean list;

  @Option(names = "--kill", paramLabel = "ID",
      description = "End your session on the host whose id starts with ID (at least 4 hex digits, as "
          + "--list shows); its program is hung up and its et exits with status 129.")
  private String kill;

  @Option(names = {"-x", "--kill-other-sessions"},
      description = "Before the new session starts, end your other sessions on the host.")
  private boolean killOtherSessions;

  @Option(names = {"-v", "--verbose"},
      description = "Say more about what et does: its progress, and its log at info; -vv debug, -vvv trace.")
  private boolean[] verbose = new boolean[0];

  @Option(names = "--log-file", paramLabel = "FILE",
      description = "Write et's log to FILE (created 0600, appended to) instead of stderr, at info or "
          + "what -v asks for.")
  private Path logFile;

  private final SessionRunner runner;

  public EtCommand(SessionRunner runner) {
    this.runner = Objects.requireNonNull(runner, "runner");
  }

  @Override
  public Integer call() throws Exception {
    ClientOptions options;
    try {
      options = toOptions();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    return runner.run(options, spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /**
   * Merges the positional argument and the options into {@link ClientOptions}.
   *
   * @throws IllegalArgumentException with a message for the user when something is invalid or contradictory
   */
  ClientOptions toOptions() {
    Destination dest = Destination.parse(destination);
    Optional<String> mergedUser = merge("user", dest.user(), Optional.ofNullable(user), "--user");
    OptionalInt mergedPort = mergePort(dest.port());
    return new ClientOptions(
        mergedUser,
        dest.host(),
        mergedPort,
        Optional.ofNullable(command),
        noexit,
        ShellWords.split(ssh),
        sshOptions,
        terminalPath,
        Duration.ofSeconds(keepaliveSeconds),
        Duration.ofSeconds(refusalLimitSeconds),
        new LogSettings(verbose.length, Optional.ofNullable(logFile)),
        parseTunnels(tunnels, sshTunnels),
        parseTunnels(reverseTunnels, sshReverseTunnels),
        socksProxies.stream().map(SocksSpec::parse).toList(),
        noTerminal,
        forwardAgent,
        new Route(viaSsh, jumpHosts == null ? List.of() : JumpHost.parseChain(jumpHosts)),
        !noShare,
        action());
  }

  private HostAction action() {
    if (list && kill != null) {
      throw new IllegalArgumentException("--list and --kill: give one of them");
    }
    if (killOtherSessions && (list || kill != null)) {
      throw new IllegalArgumentException("--kill-other-sessions goes with a new session, not with --list or --kill");
    }
    if (list) {
      return new HostAction.ListSessions();
    }
    return kill != null ? new HostAction.KillSession(kill) : new HostAction.NewSession(killOtherSessions);
  }

  private static List<TunnelSpec.Tunnel> parseTunnels(List<String> specs, List<String> sshSpecs) {
    return Stream.concat(specs.stream(), sshSpecs.stream()).flatMap(spec -> TunnelSpec.parse(spec).stream()).toList();
  }

  /** The same thing given in {@code user@host} and by option must agree; either alone is fine. */
  private Optional<String> merge(String what, Optional<String> inDestination, Optional<String> byOption, String option) {
    if (inDestination.isPresent() && byOption.isPresent() && !inDestination.equals(byOption)) {
      throw new IllegalArgumentException(what + " given twice and different: '" + inDestination.get() + "' in '"
          + destination + "' and '" + byOption.get() + "' with " + option);
    }
    return inDestination.or(() -> byOption);
  }

  private OptionalInt mergePort(OptionalInt inDestination) {
    if (inDestination.isPresent() && port != null && inDestination.getAsInt() != port) {
      throw new IllegalArgumentException("port given twice and different: " + inDestination.getAsInt() + " in '"
          + destination + "' and " + port + " with --port");
    }
    if (inDestination.isPresent()) {
      return inDestination;
    }
    return port == null ? OptionalInt.empty() : OptionalInt.of(port);
  }
}
