package et.terminal;

import et.core.task.Deadline;
import et.core.task.TaskGroup;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.tinylog.Logger;

/**
 * A unix socket (0600, in a {@link PrivateDirectory}) that serves processes of the directory's
 * owner only (SO_PEERCRED); a limited number of connections at once, further ones are closed.
 * Either one line and its answer per connection ({@link #acceptLoop}: the session host's socket for
 * etterminal, a client's share socket for later ets), within a deadline for the whole exchange,
 * lines read with {@link BoundedLine}, neither lines nor answers logged (an answer may hold a
 * secret); or connections handed to their own handler ({@link #acceptConnections}: the et agent).
 */
public final class PrivateSocketServer implements Closeable {
  /** What to answer to a line; empty for no answer (the connection is closed). */
  @FunctionalInterface
  public interface Answers {
    Optional<String> answer(String line) throws IOException, InterruptedException;
  }

  private final ServerSocketChannel listener;
  private final String name;
  private final UserPrincipal owner;
  private final Duration deadline;
  private final Semaphore slots;
  private final int maxRequests;

  private PrivateSocketServer(ServerSocketChannel listener, String name, UserPrincipal owner, Duration deadline, int maxRequests) {
    this.listener = listener;
    this.name = name;
    this.owner = owner;
    this.deadline = deadline;
    this.maxRequests = maxRequests;
    this.slots = new Semaphore(maxRequests);
  }

  /**
   * Binds {@code socket} (whose directory must be private: its owner is the only peer served),
   * replacing a file there; {@code name} says what it is in log lines.
   */
  public static PrivateSocketServer bind(Path socket, String name, Duration deadline, int maxRequests) throws IOException {
    Objects.requireNonNull(name, "name");
    PrivateDirectory.verify(socket.getParent());
    UserPrincipal owner = Files.getOwner(socket.getParent());
    Files.deleteIfExists(socket);
    ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      listener.bind(UnixDomainSocketAddress.of(socket), maxRequests);
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
      return new PrivateSocketServer(listener, name, owner, deadline, maxRequests);
    } catch (IOException | RuntimeException e) {
      listener.close();
      throw e;
    }
  }

  /** What to do with a connection from the owner; the connection is closed when this returns. */
  @FunctionalInterface
  public interface Connections {
    void serve(SocketChannel connection) throws IOException, InterruptedException;
  }

  /**
   * Accepts connections until {@link #close}d, each served as a task {@code role} of {@code tasks}
   * with {@code answers} (one line, one answer, within the deadline); returns when closed, or when
   * {@code tasks} takes no more.
   */
  public void acceptLoop(TaskGroup tasks, String role, Answers answers) {
    acceptConnections(tasks, role, connection -> {
      try (Deadline limit = Deadline.closeAfter(connection, deadline)) {
        answerLine(connection, answers, limit);
      }
    });
  }

  /**
   * Accepts connections until {@link #close}d, each served as a task {@code role} of {@code tasks}
   * by {@code connections} once its peer proved to be the owner (no deadline: the handler sets its
   * own); returns when closed, or when {@code tasks} takes no more.
   */
  public void acceptConnections(TaskGroup tasks, String role, Connections connections) {
    while (true) {
      SocketChannel connection;
      try {
        connection = listener.accept();
      } catch (ClosedChannelException e) {
        return; // closed
      } catch (IOException e) {
        if (!listener.isOpen()) {
          return;
        }
        Logger.warn("{}: accept failed: {}", name, e.getMessage());
        pauseAfterFailedAccept();
        continue;
      }
      if (!slots.tryAcquire()) {
        Logger.warn("{}: {} requests in progress: dropping a connection", name, maxRequests);
        closeQuietly(connection);
        continue;
      }
      boolean forked = tasks.tryFork(role, () -> {
        try {
          serve(connection, connections);
        } finally {
          slots.release();
        }
      });
      if (!forked) { // the group is ending
        slots.release();
        closeQuietly(connection);
        return;
      }
    }
  }

  // Out of file descriptors or the like: do not spin on it.
  private static void pauseAfterFailedAccept() {
    try {
      Thread.sleep(Duration.ofMillis(50));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void serve(SocketChannel connection, Connections connections) throws InterruptedException {
    try (connection) {
      UnixDomainPrincipal peer = connection.getOption(ExtendedSocketOptions.SO_PEERCRED);
      if (!peer.user().equals(owner)) {
        Logger.warn("{}: refused a request from user {}: it serves {} only", name, peer.user().getName(), owner.getName());
        return;
      }
      connections.serve(connection);
    } catch (IOException e) {
      Logger.info("{}: serving a request failed: {}", name, e.getMessage());
    }
  }

  private void answerLine(SocketChannel connection, Answers answers, Deadline limit) throws IOException, InterruptedException {
    String line;
    try {
      InputStream in = new BufferedInputStream(Channels.newInputStream(connection));
      line = BoundedLine.read(in, BoundedLine.MAX_BYTES);
    } catch (EOFException e) {
      Logger.debug("{}: a peer connected and left without a request", name);
      return;
    } catch (IOException e) {
      Logger.info("{}: no request read: {}", name, limit.passed() ? "none within " + deadline.toSeconds() + " s" : e.getMessage());
      return;
    }
    Optional<String> answer = answers.answer(line);
    if (answer.isPresent()) {
      ByteBuffer bytes = ByteBuffer.wrap((answer.get() + "\n").getBytes(StandardCharsets.ISO_8859_1));
      while (bytes.hasRemaining()) {
        connection.write(bytes);
      }
    }
  }

  /** Stops accepting (the socket file stays: its owner decides whether to remove it). Idempotent. */
  @Override
  public void close() {
    closeQuietly(listener);
  }

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException ignored) {
      // going away either way
    }
  }
}
