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
 * A unix socket (0600, in a {@link PrivateDirectory}) that answers one line per connection, to
 * processes of the directory's owner only (SO_PEERCRED): the session host's socket for etterminal,
 * and a client's share socket for later ets. Each connection gets a deadline for the whole
 * exchange; a limited number are served at once, further ones are closed. Lines are read with
 * {@link BoundedLine}; neither lines nor answers are logged (an answer may hold a secret).
 */
public final class PrivateLineServer implements Closeable {
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

  private PrivateLineServer(ServerSocketChannel listener, String name, UserPrincipal owner, Duration deadline, int maxRequests) {
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
  public static PrivateLineServer bind(Path socket, String name, Duration deadline, int maxRequests) throws IOException {
    Objects.requireNonNull(name, "name");
    PrivateDirectory.verify(socket.getParent());
    UserPrincipal owner = Files.getOwner(socket.getParent());
    Files.deleteIfExists(socket);
    ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      listener.bind(UnixDomainSocketAddress.of(socket), maxRequests);
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
      return new PrivateLineServer(listener, name, owner, deadline, maxRequests);
    } catch (IOException | RuntimeException e) {
      listener.close();
      throw e;
    }
  }

  /**
   * Accepts connections until {@link #close}d, each served as a task {@code role} of {@code tasks}
   * with {@code answers}; returns when closed, or when {@code tasks} takes no more.
   */
  public void acceptLoop(TaskGroup tasks, String role, Answers answers) {
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
          serve(connection, answers);
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

  private void serve(SocketChannel connection, Answers answers) throws InterruptedException {
    try (connection;
        Deadline limit = Deadline.closeAfter(connection, deadline)) {
      UnixDomainPrincipal peer = connection.getOption(ExtendedSocketOptions.SO_PEERCRED);
      if (!peer.user().equals(owner)) {
        Logger.warn("{}: refused a request from user {}: it serves {} only", name, peer.user().getName(), owner.getName());
        return;
      }
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
    } catch (IOException e) {
      Logger.info("{}: answering a request failed: {}", name, e.getMessage());
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
