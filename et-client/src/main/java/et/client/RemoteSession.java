package et.client;

import et.client.cli.ClientOptions;
import et.client.cli.ExitCodes;
import et.client.cli.HostAction;
import et.client.cli.JumpHost;
import et.client.cli.SshCommand;
import et.client.cli.SessionRunner;
import et.client.term.SavedTermios;
import et.client.term.TerminalSize;
import et.core.ConnectionThreads;
import et.core.EternalClient;
import et.core.Session;
import et.core.SessionOptions;
import et.core.SessionRefusedException;
import et.core.transport.Transport;
import et.core.relay.RelayTransport;
import et.core.task.TaskGroup;
import et.terminal.BootstrapReply;
import et.terminal.BootstrapRequest;
import et.terminal.JumpPath;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The {@code et} session itself, behind a valid command line ({@code --list} and {@code --kill} go
 * to {@link SessionsCommand} instead): bootstrap over ssh ({@link Bootstrap}), or through a running
 * et's session to the same destination ({@link SessionSharing}), connect to the session host with
 * the credentials it gave (and offer the session to later ets in turn), then run the session on the
 * local terminal in raw mode ({@link TerminalClient}) or, without one, in pipe mode
 * ({@link PipeClient}); et exits with the status described in {@link Ending} and
 * {@link ExitCodes}.
 *
 * <p>The local terminal stays in its normal mode until the session is connected, so ssh can ask
 * for passwords and Ctrl-C still stops et during the bootstrap.
 *
 * <p>Tasks: one {@link TaskGroup} "et" for the run, holding the warm-up and the session's group
 * (whose tasks are the terminal's or the pipes', the tunnels' of {@link LocalForwards} and
 * {@link ReverseForwards}, the proxies' of {@link SocksProxy}); it is cancelled when the run is
 * over, so nothing of it outlives {@link #run}.
 *
 * <p>The et host is the host name the user's ssh connects to for the destination ({@link
 * SshHostLookup}: an alias from ~/.ssh/config leads where ssh goes), resolved again before every
 * connection attempt (so a changed address is followed); the port is {@code --port}, else
 * etterminal's. Messages name the destination as the user gave it.
 */
public final class RemoteSession implements SessionRunner {

  private static final int SHOWN_CHARS = 300;
  /** ssh's own exit status when it fails (a login that needed a password in batch mode, say). */
  private static final int SSH_FAILED = 255;
  /** How long the end of a run waits for its tasks to return once cancelled. */
  private static final Duration TASKS_END_WAIT = Duration.ofSeconds(5);
  /**
   * A platform thread reads the one connection, which the kernel wakes directly when bytes arrive;
   * the rest as et.core's defaults.
   */
  static final SessionOptions TERMINAL_SESSIONS =
      SessionOptions.defaults().withConnectionThreads(ConnectionThreads.PLATFORM);

  private final LocalSide side;
  private final LocalStreams local;

  public RemoteSession(LocalSide side) {
    this.side = Objects.requireNonNull(side, "side");
    this.local = side.streams();
  }

  /** The runner for this process's own stdin, stdout, stderr and environment. */
  public static RemoteSession forThisProcess() {
    return new RemoteSession(LocalSide.ofThisProcess());
  }

  @Override
  public int run(ClientOptions options, PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
    StartTimeline.mark("options"); // picocli's part of the start ends here
    try {
      ClientLogging.configure(options.logging());
      StartTimeline.mark("logging");
    } catch (IOException e) {
      say(err, "cannot log to " + options.logging().file().orElseThrow() + ": " + e.getMessage());
      return ExitCodes.FAILURE;
    }
    TaskGroup tasks = TaskGroup.startRoot("et");
    try {
      if (!(options.action() instanceof HostAction.NewSession)) {
        return new SessionsCommand(options, local.stderr(), local.environment(), notes(options, err), tasks).run(options.action(), out, err);
      }
      return run(options, err, tasks);
    } finally {
      StartTimeline.end("ended");
      tasks.cancel();
      tasks.awaitEnd(TASKS_END_WAIT);
    }
  }

  private int run(ClientOptions options, PrintWriter err, TaskGroup tasks) throws IOException, InterruptedException {
    Consumer<String> note = notes(options, err);
    // -N leaves the local terminal as it is: nothing is typed or shown, and Ctrl-C ends et.
    boolean useTerminal = local.terminal() && !options.noTerminal();
    // Before ssh runs: it may turn echo off while it asks for a password.
    Optional<SavedTermios> saved = useTerminal ? side.captureTermios() : Optional.empty();
    // The request as it will be but for the terminal's size and the agent: a command too long for
    // the line fails here, before ssh asks for a password in vain.
    try {
      Bootstrap.request(options, Bootstrap.FALLBACK_SIZE, local.environment(), false);
    } catch (IllegalArgumentException e) {
      say(err, "cannot ask for a session: " + e.getMessage());
      return ExitCodes.FAILURE;
    }
    // A running et to the same destination answers instead of ssh; else ssh connects and logs in
    // while the rest of the start goes on: ssh -G, the terminal, the warm-up.
    Optional<Path> shareSocket = SessionSharing.socket(options, local.environment());
    HeldOutput sshStderr = side.processes().sshMayAsk() ? null : new HeldOutput(local.stderr());
    HostAnswers host;
    try {
      Bootstrap bootstrap = new Bootstrap(options, side.processes(), sshStderr == null ? local.stderr() : sshStderr, note, tasks);
      host = SharedFirst.ask(shareSocket, bootstrap, note);
    } catch (BootstrapFailure e) {
      say(err, e.getMessage());
      return e.exitStatus();
    }
    try (host) {
      return run(options, err, tasks, note, useTerminal, saved, host, shareSocket, sshStderr);
    }
  }

  /** {@code sshStderr}: ssh's stderr held back until its outcome is known (in the agent), or null. */
  private int run(ClientOptions options, PrintWriter err, TaskGroup tasks, Consumer<String> note,
      boolean useTerminal, Optional<SavedTermios> saved, HostAnswers host, Optional<Path> shareSocket,
      HeldOutput sshStderr) throws IOException, InterruptedException {
    // ssh -G beside the terminal's set-up: its forwardings go into the request.
    CompletableFuture<SshHostLookup.HostConfig> sshConfig = new CompletableFuture<>();
    tasks.fork("ssh config", () -> {
      try {
        sshConfig.complete(new SshHostLookup(options, side.processes(), note, tasks).lookUp());
      } finally {
        sshConfig.complete(new SshHostLookup.HostConfig(options.host())); // if it was interrupted
      }
    });
    try (LocalTerminal terminal = useTerminal ? side.openTerminal(note, saved).orElse(null) : null) {
      TerminalSize size = terminal == null ? new TerminalSize(0, 0) : terminal.raw().size();
      StartTimeline.mark("terminal");
      if (terminal != null && side.warmsUp()) {
        // While ssh makes first contact: compile the keystroke path before the first key.
        ClientWarmup.startInBackground(tasks, sessionOptions(options), local.stdout());
      }
      SshHostLookup.HostConfig hostConfig = sshConfig.join(); // completes whatever happens to the task
      StartTimeline.mark("ssh -G");
      Forwardings forwardings = Forwardings.of(options, hostConfig.forwardings(), local.environment(), line -> say(err, line));
      List<JumpHost> jumps = jumps(options, hostConfig);
      if (!jumps.isEmpty() && !side.processes().sshMayAsk()) {
        throw new NeedsWholeClient("ssh's ProxyJump for " + options.host() + ": each hop's ssh may have to ask");
      }
      BootstrapRequest request;
      try {
        request = Bootstrap.request(options, size, local.environment(), forwardings.agent().isPresent());
      } catch (IllegalArgumentException e) {
        say(err, "cannot ask for a session: " + e.getMessage());
        return ExitCodes.FAILURE;
      }
      Optional<JumpPath> via = JumpChain.path(jumps, note);
      if (via.isPresent()) {
        request = request.withVia(via.get());
      }
      // The jump hosts' grants beside the host's own bootstrap: each is an ssh login of its own.
      CompletableFuture<List<RelayTransport.Hop>> relays = new CompletableFuture<>();
      if (!jumps.isEmpty()) {
        tasks.fork("jump hosts", () -> {
          try {
            relays.complete(new JumpChain(options, jumps, note, tasks).prepare(hostConfig.hostName(), local.stderr()));
          } catch (BootstrapFailure | InterruptedException | RuntimeException e) {
            relays.completeExceptionally(e);
          }
        });
      }
      BootstrapReply.Session reply;
      List<RelayTransport.Hop> hops;
      try {
        reply = host.answer(request, BootstrapReply.Session.class);
        hops = jumps.isEmpty() ? List.of() : JumpChain.join(relays);
      } catch (BootstrapFailure e) {
        if (sshStderr != null && e.exitStatus() == SSH_FAILED) {
          sshStderr.discard();
          throw new NeedsWholeClient("ssh failed in batch mode: " + e.getMessage());
        }
        release(sshStderr);
        say(err, e.getMessage());
        return e.exitStatus();
      }
      release(sshStderr);
      String address = hostConfig.hostName();
      int port = options.port().orElse(reply.port());
      Transport transport = options.route().viaSsh()
          ? new SshStdioTransport(SshCommand.stdioForward(options, address, port), address + ":" + port, tasks)
          : !hops.isEmpty()
          ? new RelayTransport(hops, options.host(), address, port)
          : Transport.tcp(() -> new InetSocketAddress(address, port));
      note.accept("connecting to " + address + " port " + port + (options.route().viaSsh() ? " through ssh -W"
          : hops.isEmpty() ? "" : " through " + transport));
      Session session;
      try {
        session = EternalClient.connect(transport, reply.credentials(), sessionOptions(options), tasks);
      } catch (SessionRefusedException e) {
        say(err, options.host() + " refused the session: " + Printable.escape(String.valueOf(e.getMessage()), SHOWN_CHARS));
        return ExitCodes.FAILURE;
      } catch (IOException e) {
        String where = address.equals(options.host()) ? address : options.host() + " (" + address + ")";
        say(err, "cannot connect to " + where + " port " + port + ": " + e.getMessage());
        return ExitCodes.FAILURE;
      }
      StartTimeline.mark("connected");
      if (shareSocket.isPresent() && hops.isEmpty()) {
        side.offer(session, shareSocket.get(), transport, sessionOptions(options), note);
      }
      // Ends its lines with CR LF: the local terminal may be in raw mode by the time one comes.
      Consumer<String> warn = line -> {
        err.print("et: " + line + "\r\n");
        err.flush();
      };
      LocalForwards.start(session, forwardings.local(), warn);
      SocksProxy.start(session, forwardings.socks(), warn, options.verbose() ? warn : line -> { });
      ReverseForwards.start(session, forwardings.remote(), forwardings.agent(), warn);
      Ending ending = null;
      try {
        ending = options.noTerminal()
            ? tunnelsOnly(session, options.host(), err)
            : terminal != null
            ? new TerminalClient(session, terminal, local.stdin(), local.stdout(), options.host(), route(jumps, options.host())).run()
            : new PipeClient(session, local.stdin(), local.stdout(), local.stderr(), options.host()).run();
      } finally {
        if (ending == null && session.end() == null) {
          // et itself failed: tell the server nobody will come back, without waiting for it.
          session.close(ExitCodes.DISCONNECTED, "the client failed");
        }
      }
      if (ending.message().isPresent()) {
        if (terminal != null) {
          err.println(); // the remote screen left the cursor anywhere
        }
        say(err, ending.message().get());
      }
      return ending.exitStatus();
    }
  }

  /**
   * {@code -N}: nothing but the tunnels and proxies, until the session ends or et is ended by a
   * signal, whose shutdown hook closes the session so the host need not wait out its disconnect
   * limit, and says so itself: the JVM halts once its hooks are done, maybe before this returns.
   */
  private static Ending tunnelsOnly(Session session, String host, PrintWriter err) throws InterruptedException {
    AtomicBoolean signalled = new AtomicBoolean();
    Thread hook = new Thread(() -> {
      signalled.set(true);
      try {
        session.close(ExitCodes.DISCONNECTED, "the client was interrupted");
        session.awaitEnd(TerminalClient.CLOSE_WAIT);
      } catch (IOException | InterruptedException e) {
        // best effort: the host ends the session after its disconnect limit anyway
      }
      say(err, "session to " + host + " closed: et was ended by a signal");
    }, "et close session");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      Ending ending = Ending.of(session.awaitEnd(), host);
      return signalled.get() ? new Ending(ending.exitStatus(), Optional.empty()) : ending;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs: it closes the session
      }
    }
  }

  /** The jump hosts et's connection goes through: -J's, else ssh's ProxyJump for the host (not with --via-ssh). */
  private static List<JumpHost> jumps(ClientOptions options, SshHostLookup.HostConfig hostConfig) {
    if (options.route().viaSsh() || !options.route().jumps().isEmpty()) {
      return options.route().jumps();
    }
    return hostConfig.proxyJump().map(JumpHost::parseChain).orElse(List.of());
  }

  /** The path through {@code jumps} to {@code host} as the status line names it; empty when direct. */
  private static Optional<String> route(List<JumpHost> jumps, String host) {
    return jumps.isEmpty() ? Optional.empty()
        : Optional.of(jumps.stream().map(JumpHost::toString).collect(Collectors.joining(" -> ", "", " -> " + host)));
  }

  private static void release(HeldOutput sshStderr) throws IOException {
    if (sshStderr != null) {
      sshStderr.release();
    }
  }

  /** {@link #TERMINAL_SESSIONS} with the keepalive of {@code --keepalive}. */
  static SessionOptions sessionOptions(ClientOptions options) {
    return TERMINAL_SESSIONS.withKeepalive(options.keepalive(), options.deadAfter())
        .withRefusalLimit(options.refusalLimit());
  }

  /** Where {@code --verbose}'s progress lines go: et's stderr, or nowhere without it. */
  private static Consumer<String> notes(ClientOptions options, PrintWriter err) {
    return options.verbose() ? line -> say(err, line) : line -> { };
  }

  private static void say(PrintWriter err, String message) {
    err.println("et: " + message);
    err.flush();
  }
}
