package et.client;

import et.core.Channel;
import et.core.Session;
import et.core.SessionState;
import et.core.task.Deadline;
import et.terminal.BootstrapException;
import et.terminal.BootstrapRequest;
import et.terminal.BoundedLine;
import et.terminal.HostRequest;
import et.terminal.ListRequest;
import et.terminal.PrivateDirectory;
import et.terminal.PrivateSocketServer;
import et.terminal.ProcessLock;
import et.terminal.TerminalChannels;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.tinylog.Logger;

/**
 * A connected et's offer of its session to later ets to the same destination ({@link
 * SessionSharing}): listens on the share socket while the session lasts; for each et of the same
 * user that connects, reads its one request line (a new session or the list), passes it to the
 * host over a {@link TerminalChannels#HOST_REQUEST} channel of the session, and writes the host's
 * answer back. The answer holds the new session's secret: it is never logged, and it travels only
 * inside the encrypted session and over the socket, which only this user can reach ({@link
 * PrivateSocketServer}: a private directory, the socket 0600, the peer's uid checked).
 *
 * <p>One et at a time offers its session on a socket: the one that holds the lock file beside it
 * ({@link ProcessLock}, released by the kernel when an et dies). Another et to the same destination
 * checks the lock every {@link #TAKEOVER_CHECK} and offers its own session once the holder is
 * gone, so closing the first terminal leaves later ets a session to ask. Tasks, in the session's
 * group: "share takeover" while waiting, "share accept", and a "share request" per connection.
 */
final class ShareServer {
  /** How long a connected et has to send its line, and the host to answer it. */
  static final Duration REQUEST_DEADLINE = Duration.ofSeconds(10);
  /** Requests passed on at once (the host serves as many per session); more connections are closed. */
  static final int MAX_REQUESTS = 4;
  /** How often an et whose destination another et offers checks whether that one is still there. */
  static final Duration TAKEOVER_CHECK = Duration.ofSeconds(2);

  private final Session session;
  private final Path socket;
  private final ProcessLock lock;
  private final PrivateSocketServer server;

  private ShareServer(Session session, Path socket, ProcessLock lock, PrivateSocketServer server) {
    this.session = session;
    this.socket = socket;
    this.lock = lock;
    this.server = server;
  }

  /**
   * Offers {@code session} on {@code socket} until the session ends, now or once the et that offers
   * its own there is gone; a failure to set up is noted and leaves the session as it is.
   */
  static void start(Session session, Path socket, Consumer<String> note) {
    Objects.requireNonNull(session, "session");
    try {
      PrivateDirectory.ensure(socket.getParent());
      Optional<ProcessLock> lock = ProcessLock.tryAcquire(ProcessLock.besideSocket(socket));
      if (lock.isPresent()) {
        serve(session, socket, lock.get(), note);
        return;
      }
      note.accept("another et offers its session on " + socket + "; this one will once that one is gone");
      session.tasks().tryFork("share takeover", () -> takeOverWhenFree(session, socket, note));
    } catch (IOException e) {
      note.accept("cannot offer this session to later ets on " + socket + ": " + e.getMessage());
      Logger.info("not sharing the session on {}: {}", socket, e.getMessage());
    }
  }

  private static void takeOverWhenFree(Session session, Path socket, Consumer<String> note)
      throws IOException, InterruptedException {
    while (true) {
      try {
        session.whenEnded().get(TAKEOVER_CHECK.toNanos(), TimeUnit.NANOSECONDS);
        return; // nothing left to offer
      } catch (TimeoutException stillOn) {
        Optional<ProcessLock> lock = ProcessLock.tryAcquire(ProcessLock.besideSocket(socket));
        if (lock.isPresent()) {
          serve(session, socket, lock.get(), note);
          return;
        }
      } catch (ExecutionException failed) {
        return;
      }
    }
  }

  /** Binds {@code socket} (its lock held: a file there is a dead et's) and serves it while the session lasts. */
  private static void serve(Session session, Path socket, ProcessLock lock, Consumer<String> note) throws IOException {
    PrivateSocketServer lines;
    try {
      lines = PrivateSocketServer.bind(socket, "share socket " + socket.getFileName(), REQUEST_DEADLINE, MAX_REQUESTS);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
    ShareServer offer = new ShareServer(session, socket, lock, lines);
    boolean forked = session.tasks().tryFork("share accept", () -> {
      try {
        lines.acceptLoop(session.tasks(), "share request", offer::answer);
      } finally {
        offer.stop();
      }
    });
    if (!forked) {
      offer.stop(); // the session ended already
      return;
    }
    session.whenEnded().whenComplete((end, failure) -> offer.stop());
    note.accept("offering this session to later ets on " + socket);
  }

  /** The host's answer to a later et's {@code line}; none for what is not passed on. */
  private Optional<String> answer(String line) throws IOException {
    HostRequest request;
    try {
      request = HostRequest.parse(line);
    } catch (BootstrapException e) {
      Logger.info("refused a shared request: {}", e.getMessage());
      return Optional.empty();
    }
    if (!(request instanceof ListRequest || request instanceof BootstrapRequest newSession && !newSession.killOthers())) {
      Logger.info("refused a shared request that is neither a new session nor the list");
      return Optional.empty();
    }
    if (session.state() != SessionState.CONNECTED) {
      // Asked now, the host would hear of it only after a reconnection, if ever (it may have lost
      // the session): the asker's ssh is the surer way, and no answer tells it at once.
      Logger.info("not connected to the host: leaving a shared request to ssh");
      return Optional.empty();
    }
    String answer = askHost(session, request);
    Logger.info("answered a shared {} request", request instanceof ListRequest ? "list" : "session");
    return Optional.of(answer);
  }

  /** The host's answer line to {@code request}, over a channel of {@code session}. */
  static String askHost(Session session, HostRequest request) throws IOException {
    Channel channel = session.openChannel(TerminalChannels.HOST_REQUEST);
    try (channel;
        Deadline deadline = Deadline.closeAfter(channel, REQUEST_DEADLINE)) {
      OutputStream out = channel.output();
      out.write((request.toLine() + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      return BoundedLine.read(new BufferedInputStream(channel.input()), BoundedLine.MAX_BYTES);
    }
  }

  /** Stops listening, removes the socket file and lets the lock go. Idempotent. */
  private synchronized void stop() {
    server.close();
    try {
      if (lock.isHeld()) {
        Files.deleteIfExists(socket);
        lock.close();
      }
    } catch (IOException e) {
      Logger.info("ending the share socket {}: {}", socket, e.getMessage());
    }
  }
}
