package et.server.session;

import et.core.Session;
import et.server.process.PipeProcess;
import et.server.pty.TerminalProcess;
import et.terminal.BootstrapRequest;
import et.terminal.ChannelDispatcher;
import et.terminal.ChannelHandler;
import et.terminal.TerminalChannels;
import et.terminal.forward.ForwardService;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import org.tinylog.Logger;

/**
 * Binds one et.core {@link Session} to the program its bootstrap request asked for
 * (docs/TERMINAL.md): waits for the client's channels ({@link #channelHandlers}, which the
 * session's {@link ChannelDispatcher} serves), which choose terminal mode (a PTY, {@link
 * TerminalBridge}) or pipe mode ({@link PipeBridge}), runs the program ({@link SessionCommand}),
 * and closes the session with its exit status once every output byte is in the session.
 *
 * <p>Failures reach the client as the session's close: status {@value #SERVER_FAILURE} with the
 * reason (the channels did not come or did not fit, the program could not start). If no client
 * ever connects, the session is ended after the host's client wait.
 *
 * <p>{@link #run} runs on the caller's thread, a task of the session's group; the program's tasks
 * run in a {@link SessionScope} below it, the terminal's own in the session's group.
 */
public final class SessionProgram {
  /** The exit status of a session the server could not run, as ssh uses 255 for its own failures. */
  public static final int SERVER_FAILURE = 255;

  private final Session session;
  private final BootstrapRequest request;
  private final Path home;
  private final Path runtimeDir;
  private final ForwardPolicy forwarding;
  private final AcceptedEnvironment acceptEnv;
  private final HostRequests hostRequests;
  private final ClientChannels.Setup setup;
  private final String name;

  /**
   * @param home the user's home: where the program starts, and its HOME
   * @param runtimeDir the user's private runtime directory, where the agent socket goes
   * @param clientWait how long the program waits for the client's channels
   * @param forwarding what the client's forwards and reverse tunnels may do
   * @param acceptEnv which of the request's variables the program gets
   * @param hostRequests what answers the host requests the client sends over the session
   */
  public SessionProgram(
      Session session, BootstrapRequest request, Path home, Path runtimeDir, Duration clientWait, ForwardPolicy forwarding,
      AcceptedEnvironment acceptEnv, HostRequests hostRequests) {
    this.session = Objects.requireNonNull(session, "session");
    this.request = Objects.requireNonNull(request, "request");
    this.home = Objects.requireNonNull(home, "home");
    this.runtimeDir = Objects.requireNonNull(runtimeDir, "runtimeDir");
    this.forwarding = Objects.requireNonNull(forwarding, "forwarding");
    this.acceptEnv = Objects.requireNonNull(acceptEnv, "acceptEnv");
    this.hostRequests = Objects.requireNonNull(hostRequests, "hostRequests");
    this.setup = new ClientChannels.Setup(session, Objects.requireNonNull(clientWait, "clientWait"));
    this.name = session.toString();
  }

  /**
   * Starts the session's work as tasks of its group: "bridge" runs the program ({@link #run}),
   * then waits for the session's end and calls {@code whenEnded}; "channels" serves the channels
   * the client opens ({@link ChannelDispatcher}).
   *
   * @throws RejectedExecutionException if the session has ended already (nothing runs)
   */
  public void start(Runnable whenEnded) {
    session.tasks().fork("bridge", () -> {
      try {
        run();
        session.awaitEnd(); // the client takes the close, or the session expires at its disconnect limit
      } finally {
        whenEnded.run();
      }
    });
    ChannelDispatcher channels = new ChannelDispatcher(session, channelHandlers());
    boolean forked = session.tasks().tryFork("channels", () -> {
      try {
        channels.run();
      } finally {
        setup.sessionEnded();
      }
    });
    if (!forked) {
      setup.sessionEnded();
    }
  }

  /**
   * The session's channel services: the program's channels go to its setup; each forwarded
   * connection to a {@link ForwardService} under the host's {@link ForwardPolicy}; reverse
   * tunnels' listeners to a {@link ReverseListenService}; host requests to a {@link
   * HostRequestService}.
   */
  private Map<String, ChannelHandler> channelHandlers() {
    Map<String, ChannelHandler> handlers = new HashMap<>();
    if (!request.noProgram()) {
      ChannelHandler.InOrder toSetup = setup::offer; // the first channel chooses the mode
      for (String label : ClientChannels.LABELS) {
        handlers.put(label, toSetup);
      }
    }
    handlers.put(TerminalChannels.FORWARD, new ForwardService(session, forwarding));
    handlers.put(TerminalChannels.LISTEN, new ReverseListenService(session, forwarding));
    handlers.put(TerminalChannels.HOST_REQUEST, new HostRequestService(session, hostRequests));
    return handlers;
  }

  /**
   * Runs the session's program to its end. Returns once the program has ended and the session's
   * close is under way (or the session has ended); the session itself ends when the client has
   * acknowledged the close, see {@link Session#awaitEnd}.
   */
  void run() throws InterruptedException {
    if (request.noProgram()) {
      Logger.info("{}: no program, forwarded connections only", name);
      return;
    }
    ClientChannels channels;
    try {
      channels = setup.await();
    } catch (ClientChannels.SetupException e) {
      Logger.info("{}: {}", name, e.getMessage());
      if (session.end() == null && session.connections() == 0) {
        session.close(); // nobody to tell: waits a handshake timeout for an ack, then ends it
      } else {
        closeSession(SERVER_FAILURE, e.getMessage());
      }
      return;
    }
    Logger.info("{}: {} mode", name, channels.mode().name().toLowerCase());
    int status;
    try {
      status =
          switch (channels.mode()) {
            case TERMINAL -> runTerminal(channels);
            case PIPES -> runPipes(channels);
          };
    } catch (IOException e) {
      Logger.warn("{}: cannot start the program: {}", name, e.getMessage());
      closeSession(SERVER_FAILURE, "the server cannot start the program: " + e.getMessage());
      return;
    } catch (SessionScope.TaskFailedException e) {
      Logger.error(e.getCause(), "{}: {}", name, e.getMessage());
      closeSession(SERVER_FAILURE, "internal error of the server: " + e.getMessage());
      return;
    }
    if (session.end() == null) {
      Logger.info("{}: the program exited with status {}", name, status);
      closeSession(status, "exited");
    }
  }

  private int runTerminal(ClientChannels channels)
      throws IOException, InterruptedException, SessionScope.TaskFailedException {
    try (TerminalProcess pty =
        TerminalProcess.start(
            SessionCommand.forTerminal(request, home, acceptEnv).withEnvironment(forwardedAgent()), request.term(), request.cols(), request.rows(), session.tasks())) {
      Logger.info("{}: pid {} in a {}x{} terminal", name, pty.pid(), request.cols(), request.rows());
      return TerminalBridge.run(
          name,
          session,
          channels.get(TerminalChannels.TERMINAL),
          channels.get(TerminalChannels.RESIZE),
          pty);
    }
  }

  private int runPipes(ClientChannels channels)
      throws IOException, InterruptedException, SessionScope.TaskFailedException {
    try (PipeProcess program = PipeProcess.start(SessionCommand.forPipes(request, home, acceptEnv).withEnvironment(forwardedAgent()))) {
      Logger.info("{}: pid {} with pipes", name, program.pid());
      return PipeBridge.run(
          name,
          session,
          channels.get(TerminalChannels.STDIN),
          channels.get(TerminalChannels.STDOUT),
          channels.get(TerminalChannels.STDERR),
          program);
    }
  }

  /** SSH_AUTH_SOCK for the program, when the client forwards its agent and the socket could be made. */
  private Map<String, String> forwardedAgent() {
    if (!request.forwardAgent()) {
      return Map.of();
    }
    return AgentSocket.start(session, runtimeDir)
        .map(path -> Map.of(AgentSocket.VARIABLE, path.toString()))
        .orElse(Map.of());
  }

  private void closeSession(int status, String reason) {
    try {
      session.close(status, reason);
    } catch (IOException e) {
      Logger.debug("{}: closing the session: {}", name, e.getMessage());
    }
  }
}
