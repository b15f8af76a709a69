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
import et.terminal.PrivateLineServer;
import et.terminal.TerminalChannels;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.tinylog.Logger;

/**
 * A connected et's offer of its session to later ets to the same destination ({@link
 * SessionSharing}): listens on the share socket while the session lasts; for each et of the same
 * user that connects, reads its one request line (a new session or the list), passes it to the
 * host over a {@link TerminalChannels#HOST_REQUEST} channel of the session, and writes the host's
 * answer back. The answer holds the new session's secret: it is never logged, and it travels only
 * inside the encrypted session and over the socket, which only this user can reach ({@link
 * PrivateLineServer}: a private directory, the socket 0600, the peer's uid checked).
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
  private final PrivateLineServer server;
  private final Object fileKey;

  private ShareServer(Session session, Path socket, PrivateLineServer server, Object fileKey) {
    this.session = session;
    this.socket = socket;
    this.server = server;
    this.fileKey = fileKey;
  }

  /**
   * Offers {@code session} on {@code socket} until the session ends, unless another et serves it;
   * a failure to set up is noted and leaves the session as it is.
   */
  static void start(Session session, Path socket, Consumer<String> note) {
    Objects.requireNonNull(session, "session");
    try {
      PrivateDirectory.ensure(socket.getParent());
      if (servedByAnother(socket)) {
        note.accept("another et offers its session to " + socket.getFileName() + " already");
        return;
      }
      PrivateLineServer lines = PrivateLineServer.bind(socket, "share socket " + socket.getFileName(), REQUEST_DEADLINE, MAX_REQUESTS);
      ShareServer offer;
      try {
        offer = new ShareServer(session, socket, lines, Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey());
      } catch (IOException | RuntimeException e) {
        lines.close();
        throw e;
      }
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
    if (session.connections() == 0) {
      Logger.info("not connected to the host: leaving a shared request to ssh");
      return Optional.empty();
    }
    String answer = askHost(request);
    Logger.info("answered a shared {} request", request instanceof ListRequest ? "list" : "session");
    return Optional.of(answer);
  }

  /** The host's answer line to {@code request}, over a channel of the session. */
  private String askHost(HostRequest request) throws IOException {
    Channel channel = session.openChannel(TerminalChannels.HOST_REQUEST);
    try (channel;
        Deadline deadline = Deadline.closeAfter(channel, REQUEST_DEADLINE)) {
      OutputStream out = channel.output();
      out.write((request.toLine() + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      return BoundedLine.read(new BufferedInputStream(channel.input()), BoundedLine.MAX_BYTES);
    }
  }

  /** Stops listening and removes the socket file, if it is still this server's. Idempotent. */
  private void stop() {
    server.close();
    try {
      BasicFileAttributes now = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (Objects.equals(now.fileKey(), fileKey)) {
        Files.deleteIfExists(socket);
      }
    } catch (IOException goneAlready) {
      // nothing to remove
    }
  }
}
