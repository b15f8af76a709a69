package et.server.host;

import et.core.EternalServer;
import et.core.Session;
import et.core.task.TaskGroup;
import et.server.request.HostPaths;
import et.server.request.RequestNonce;
import et.server.session.HostRequests;
import et.server.session.SessionProgram;
import et.terminal.BootstrapException;
import et.terminal.BootstrapNonce;
import et.terminal.BootstrapReply;
import et.terminal.BootstrapRequest;
import et.terminal.HostRequest;
import et.terminal.KillRequest;
import et.terminal.ListRequest;
import et.terminal.PrivateDirectory;
import et.terminal.PrivateSocketServer;
import et.terminal.ProcessLock;
import et.terminal.RelayRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tinylog.Logger;

/**
 * The session host: one long-lived process per user (docs/TERMINAL.md, "Session host"). It owns the
 * user's sessions and their programs, listens for clients on TCP with an {@link EternalServer}, and
 * answers etterminal on a unix socket in the user's private runtime directory: one {@link
 * HostRequest} line in ({@code ET1 REQUEST}, {@code LIST}, {@code KILL} or {@code RELAY}), one
 * answer line out ({@code ET1 SESSION}, {@code SESSIONS}, {@code KILLED}, {@code GRANT} or {@code
 * ERROR}), then it hangs up. A session's client may send the same lines over the session's {@code
 * host-request} channels, for another et of the user's (session sharing): {@link #answer} answers
 * both. As a jump host it relays the user's clients ({@link HostRelay}).
 * Each session runs its {@link SessionProgram} as a task of the session's own group; {@link
 * HostSessions} keeps the live ones for the list and kill requests.
 *
 * <p>Only one host per runtime directory: the first to hold {@code host.lock} owns {@code
 * host.sock}; {@link #start} throws {@link HostAlreadyRunningException} for the others. The
 * socket accepts only connections from processes of the same user (SO_PEERCRED), on top of the
 * directory's 0700 and the socket's 0600.
 *
 * <p>It exits by itself ({@link #awaitExit}) after having had no session and no request for
 * {@link HostConfig#idleExit()}; {@link #close()} stops it at once, ending every session.
 * Tasks: one {@link TaskGroup} "host" with "unix-accept", a "request" per etterminal connection,
 * "idle-watch", "quiet-compact" ({@link QuietCompaction}), and the {@link EternalServer}'s group as
 * a child, whose children are the sessions' groups. Never logs a secret.
 */
public final class SessionHost implements AutoCloseable {
  /** How long a connected etterminal has to send its request line. */
  private static final Duration REQUEST_DEADLINE = HostRequests.REQUEST_DEADLINE;
  /** Requests answered at once; more connections are dropped. */
  private static final int MAX_REQUESTS = 64;
  /** How long {@link #close()} waits for the sessions' programs to be ended. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private final HostConfig config;
  private final ProcessLock lock;
  private final PrivateSocketServer unixListener;
  private final EternalServer server;
  private final TaskGroup tasks;
  private final IdleTracker idle;
  private final HostRelay relay;
  private final HostSessions sessions = new HostSessions();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch exited = new CountDownLatch(1);

  private SessionHost(
      HostConfig config,
      ProcessLock lock,
      PrivateSocketServer unixListener,
      EternalServer server,
      TaskGroup tasks,
      IdleTracker idle,
      HostRelay relay) {
    this.tasks = tasks;
    this.idle = idle;
    this.relay = relay;
    this.config = config;
    this.lock = lock;
    this.unixListener = unixListener;
    this.server = server;
  }

  /**
   * Takes the runtime directory (creating it 0700, refusing one that is not private), binds the
   * unix socket and the TCP port, and starts serving.
   *
   * @throws HostAlreadyRunningException when another host holds this runtime directory
   */
  public static SessionHost start(HostConfig config) throws IOException {
    HostPaths paths = config.paths();
    PrivateDirectory.ensure(paths.runtimeDir());
    ProcessLock lock = ProcessLock.tryAcquire(paths.lockFile()).orElseThrow(() -> new HostAlreadyRunningException(paths.lockFile()));
    PrivateSocketServer unixListener = null;
    EternalServer server = null;
    TaskGroup tasks = TaskGroup.startRoot("host");
    try {
      // We hold the lock, so a socket file left here is a dead host's: bind replaces it.
      unixListener = PrivateSocketServer.bind(paths.socket(), "host socket", REQUEST_DEADLINE, MAX_REQUESTS);
      IdleTracker idle = new IdleTracker();
      HostRelay relay = new HostRelay(config.relaying(), idle);
      server = TcpListen.start(
          config.bind(), config.port(), HostConfig.PORT_ATTEMPTS, config.sessionOptions(), tasks, relay.relay());
      SessionHost host = new SessionHost(config, lock, unixListener, server, tasks, idle, relay);
      tasks.fork("unix-accept", host::acceptRequests);
      tasks.fork("idle-watch", host::exitWhenIdle);
      tasks.fork("quiet-compact", () -> QuietCompaction.run(host.sessions::framesMoved, idle));
      Logger.info(
          "session host pid {} serves {} and TCP port {}; exits after {} s without a session",
          ProcessHandle.current().pid(),
          paths.socket(),
          server.port(),
          config.idleExit().toSeconds());
      return host;
    } catch (IOException | RuntimeException e) {
      if (server != null) {
        server.close();
      }
      if (unixListener != null) {
        unixListener.close();
        Files.deleteIfExists(paths.socket());
      }
      tasks.close();
      lock.close();
      throw e;
    }
  }

  /** The host's task group: everything it runs. */
  public TaskGroup tasks() {
    return tasks;
  }

  /** The TCP port clients connect to. */
  public int port() {
    return server.port();
  }

  /** The unix socket etterminal asks for sessions on. */
  public Path socket() {
    return config.paths().socket();
  }

  /** Sessions alive now. */
  public int sessionCount() {
    return server.sessionCount();
  }

  /**
   * Closes the host if nobody has asked it for a session or a relay yet (lists and kills do not
   * count); returns whether it did. A request that comes at the same moment either came first (and
   * the host stays) or is turned away.
   */
  public boolean closeUnlessAsked() {
    if (!idle.stopUnlessAsked()) {
      return false;
    }
    // Before close(): its end lets the process exit.
    Logger.info("nobody asked for a session or a relay: exiting");
    close();
    return true;
  }

  /** Waits until the host has exited (idle, or closed); true if it did within {@code timeout}. */
  public boolean awaitExit(Duration timeout) throws InterruptedException {
    return exited.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void acceptRequests() {
    unixListener.acceptLoop(tasks, "request", this::answer);
  }

  /** The reply line to {@code line}; empty when it is so broken that not even its nonce is known. */
  Optional<String> answer(String line) {
    Optional<BootstrapNonce> nonce = RequestNonce.find(line);
    HostRequest request;
    try {
      request = HostRequest.parse(line);
    } catch (BootstrapException e) {
      Logger.info("refused a request: {}", e.getMessage());
      return nonce.map(n -> new BootstrapReply.Error(n, "bad request: " + e.getMessage()).toLine());
    }
    try {
      BootstrapReply reply = switch (request) {
        case BootstrapRequest newSession -> newSession(newSession);
        case ListRequest list -> sessions.list(list.nonce());
        case KillRequest kill -> sessions.kill(kill);
        case RelayRequest grant -> relayGrant(grant);
      };
      return Optional.of(reply.toLine());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of(new BootstrapReply.Error(request.nonce(), "the session host is exiting; try again").toLine());
    }
  }

  /** A relay grant; its client comes back through it, so it counts as asking (closeUnlessAsked). */
  private BootstrapReply relayGrant(RelayRequest request) {
    BootstrapReply reply = relay.grant(request, server.port());
    if (reply instanceof BootstrapReply.Grant && !idle.markAsked()) {
      return new BootstrapReply.Error(request.nonce(), "the session host is exiting; try again");
    }
    return reply;
  }

  private BootstrapReply newSession(BootstrapRequest request) throws InterruptedException {
    if (request.killOthers()) {
      Logger.info("ending the user's other sessions before a new one: {} ended", sessions.endAll(KillRequest.OTHERS_REASON));
    }
    if (!idle.enter()) {
      return new BootstrapReply.Error(request.nonce(), "the session host is exiting; try again");
    }
    Session session;
    try {
      session = server.newSession();
    } catch (RuntimeException e) {
      idle.leave();
      Logger.error(e, "cannot make a session");
      return new BootstrapReply.Error(request.nonce(), "the session host cannot make a session");
    }
    sessions.add(session, request);
    startSession(session, request);
    return new BootstrapReply.Session(request.nonce(), session.credentials(), server.port());
  }

  private void startSession(Session session, BootstrapRequest request) {
    SessionProgram program = new SessionProgram(
        session, request, config.paths().home(), config.paths().runtimeDir(), config.clientWait(), config.forwarding(),
        config.acceptEnv(), this::answer);
    Logger.info(
        "{} made: {} {}x{}{}",
        session,
        request.term(),
        request.cols(),
        request.rows(),
        request.command().isPresent() ? ", with a command" : "");
    try {
      program.start(idle::leave); // the host stays busy until the session has ended
    } catch (RejectedExecutionException e) {
      idle.leave(); // the session ended already: the host is closing
    }
  }

  private void exitWhenIdle() {
    try {
      if (idle.awaitIdle(config.idleExit())) {
        Logger.info("no session for {} s: exiting", config.idleExit().toSeconds());
        close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops serving: no more requests, the socket file removed, every session closed as by a kill
   * ({@link KillRequest#HOST_STOPPED_REASON}: a client in reach acknowledges and ends with a
   * message) and its program hung up, the lock released. Idempotent; returns once done (bounded by
   * waits of a few seconds).
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      try {
        exited.await(CLOSE_WAIT.toSeconds() * 2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    idle.stop();
    unixListener.close();
    try {
      Files.deleteIfExists(config.paths().socket());
    } catch (IOException e) {
      Logger.warn("cannot delete {}: {}", config.paths().socket(), e.getMessage());
    }
    try {
      // Their clients in reach end with a message, not a reconnect to a host that is gone.
      sessions.endAll(KillRequest.HOST_STOPPED_REASON);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.close(); // ends every session left: their session-end tasks hang up the programs
    tasks.close();
    awaitSessions();
    try {
      lock.close();
    } catch (IOException e) {
      Logger.warn("releasing {}: {}", config.paths().lockFile(), e.getMessage());
    }
    Logger.info("session host stopped");
    exited.countDown();
  }

  private void awaitSessions() {
    try {
      if (!server.tasks().awaitEnd(CLOSE_WAIT)) {
        Logger.warn("sessions still running {} s after the host closed: interrupting them", CLOSE_WAIT.toSeconds());
        server.tasks().cancel();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
