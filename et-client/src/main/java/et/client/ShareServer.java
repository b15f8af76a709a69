package et.client;

import et.core.Channel;
import et.core.Session;
import et.core.task.Deadline;
import et.terminal.BootstrapException;
import et.terminal.BootstrapRequest;
import et.terminal.BoundedLine;
import et.terminal.HostRequest;
import et.terminal.ListRequest;
import et.terminal.PrivateDirectory;
import et.terminal.TerminalChannels;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.tinylog.Logger;

/**
 * A connected et's offer of its session to later ets to the same destination ({@link
 * SessionSharing}): listens on the share socket while the session lasts; for each et of the same
 * user that connects, reads its one request line (a new session or the list), passes it to the
 * host over a {@link TerminalChannels#HOST_REQUEST} channel of the session, and writes the host's
 * answer back. The answer holds the new session's secret: it is never logged, and it travels only
 * inside the encrypted session and over the socket, which only this user can reach (a private
 * directory, the socket 0600, and the peer's uid checked with SO_PEERCRED).
 *
 * <p>When another live et already serves the socket, this one does not; a socket file left by an
 * et that died is replaced. Tasks: "share accept" and a "share request" per connection, in the
 * session's group.
 */
final class ShareServer {
  /** How long a connected et has to send its line, and the host to answer it. */
  static final Duration REQUEST_DEADLINE = Duration.ofSeconds(10);
  /** Requests passed on at once (the host serves as many per session); more connections are closed. */
  static final int MAX_REQUESTS = 4;

  private final Session session;
  private final Path socket;
  private final ServerSocketChannel listener;
  private final Object fileKey;
  private final UserPrincipal owner;
  private final Consumer<String> note;
  private final Semaphore slots = new Semaphore(MAX_REQUESTS);

  private ShareServer(Session session, Path socket, ServerSocketChannel listener, Object fileKey, UserPrincipal owner,
      Consumer<String> note) {
    this.session = session;
    this.socket = socket;
    this.listener = listener;
    this.fileKey = fileKey;
    this.owner = owner;
    this.note = note;
  }

  /**
   * Offers {@code session} on {@code socket} until the session ends, unless another et serves it;
   * a failure to set up is noted and leaves the session as it is.
   */
  static void start(Session session, Path socket, Consumer<String> note) {
    Objects.requireNonNull(session, "session");
    try {
      Path directory = PrivateDirectory.ensure(socket.getParent());
      if (servedByAnother(socket)) {
        note.accept("another et offers its session to " + socket.getFileName() + " already");
        return;
      }
      Files.deleteIfExists(socket); // an et that died left it
      ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      ShareServer server;
      try {
        listener.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        Object fileKey = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        server = new ShareServer(session, socket, listener, fileKey, Files.getOwner(directory), note);
      } catch (IOException | RuntimeException e) {
        listener.close();
        throw e;
      }
      if (!session.tasks().tryFork("share accept", server::acceptLoop)) {
        server.stop(); // the session ended already
        return;
      }
      session.whenEnded().whenComplete((end, failure) -> server.stop());
      note.accept("offering this session to later ets on " + socket);
    } catch (IOException e) {
      note.accept("cannot offer this session to later ets on " + socket + ": " + e.getMessage());
      Logger.info("not sharing the session on {}: {}", socket, e.getMessage());
    }
  }

  private static boolean servedByAnother(Path socket) {
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      return true;
    } catch (IOException nobodyListens) {
      return false;
    }
  }

  private void acceptLoop() {
    try {
      while (true) {
        SocketChannel connection;
        try {
          connection = listener.accept();
        } catch (ClosedChannelException e) {
          return; // stopped
        }
        if (!slots.tryAcquire()) {
          Logger.info("{} shared requests in progress: closing another", MAX_REQUESTS);
          closeQuietly(connection);
          continue;
        }
        boolean forked = session.tasks().tryFork("share request", () -> {
          try {
            serve(connection);
          } finally {
            slots.release();
          }
        });
        if (!forked) {
          slots.release();
          closeQuietly(connection);
          return;
        }
      }
    } catch (IOException e) {
      Logger.info("the share socket {} failed: {}", socket, e.getMessage());
    } finally {
      stop();
    }
  }

  private void serve(SocketChannel connection) {
    try (connection;
        Deadline deadline = Deadline.closeAfter(connection, REQUEST_DEADLINE)) {
      UnixDomainPrincipal peer = connection.getOption(ExtendedSocketOptions.SO_PEERCRED);
      if (!peer.user().equals(owner)) {
        Logger.warn("refused a shared request from user {}: only {} may ask", peer.user().getName(), owner.getName());
        return;
      }
      InputStream in = new BufferedInputStream(Channels.newInputStream(connection));
      HostRequest request = HostRequest.parse(BoundedLine.read(in, BoundedLine.MAX_BYTES));
      if (!(request instanceof ListRequest || request instanceof BootstrapRequest newSession && !newSession.killOthers())) {
        Logger.info("refused a shared request that is neither a new session nor the list");
        return;
      }
      if (session.connections() == 0) {
        Logger.info("not connected to the host: leaving a shared request to ssh");
        return;
      }
      String answer = askHost(request);
      OutputStream out = Channels.newOutputStream(connection);
      out.write((answer + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Logger.info("answered a shared {} request", request instanceof ListRequest ? "list" : "session");
    } catch (IOException | BootstrapException e) {
      Logger.info("a shared request failed: {}", e.getMessage());
    }
  }

  /** The host's answer line to {@code request}, over a channel of the session. */
  private String askHost(HostRequest request) throws IOException {
    Channel channel = session.openChannel(TerminalChannels.HOST_REQUEST);
    try (channel;
        Deadline deadline = Deadline.closeAfter(channel, REQUEST_DEADLINE)) {
      OutputStream out = channel.output();
      out.write((request.toLine() + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return BoundedLine.read(new BufferedInputStream(channel.input()), BoundedLine.MAX_BYTES);
    }
  }

  /** Stops listening and removes the socket file, if it is still this server's. Idempotent. */
  private void stop() {
    closeQuietly(listener);
    try {
      BasicFileAttributes now = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (Objects.equals(now.fileKey(), fileKey)) {
        Files.deleteIfExists(socket);
      }
    } catch (IOException goneAlready) {
      // nothing to remove
    }
  }

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException ignored) {
      // going away either way
    }
  }
}
