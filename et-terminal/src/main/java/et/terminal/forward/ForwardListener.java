package et.terminal.forward;

import et.core.Session;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.tinylog.Logger;

/**
 * A listening socket whose connections are forwarded through a session: the client's tunnels and
 * SOCKS proxy, the host's reverse tunnels and agent socket. {@link #serve} accepts in a task of the
 * session's group and hands each connection to its own task "forward"; the listener closes when the
 * session ends (a unix socket's file is removed).
 *
 * <p>A unix socket is bound in a fresh 0700 directory beside its path, made 0600 there, and only
 * then linked to its path, so nobody else can connect in between; an existing file at the path
 * is refused (like ssh, et does not remove a stale socket of another run).
 */
public final class ForwardListener implements AutoCloseable {
  private static final int BACKLOG = 64;

  /** What is done with each accepted connection, on its own task; the socket is closed after. */
  @FunctionalInterface
  public interface Connections {
    void forward(SocketChannel connection) throws InterruptedException;
  }

  private final Endpoint at;
  private final ServerSocketChannel socket;

  private ForwardListener(Endpoint at, ServerSocketChannel socket) {
    this.at = at;
    this.socket = socket;
  }

  /** Listens on {@code at}; the exception says why it cannot (in use, denied, no such address). */
  public static ForwardListener bind(Endpoint at) throws IOException {
    return switch (at) {
      case Endpoint.Tcp tcp -> {
        ServerSocketChannel socket = ServerSocketChannel.open();
        try {
          socket.bind(tcp.address(), BACKLOG);
        } catch (IOException | RuntimeException e) {
          socket.close();
          throw e;
        }
        yield new ForwardListener(at, socket);
      }
      case Endpoint.Unix unix -> new ForwardListener(at, bindPrivately(Path.of(unix.path())));
    };
  }

  /**
   * Binds {@code at} and serves it ({@link #serve}); when it cannot bind, tells {@code cannotListen}
   * why ("cannot listen on AT: reason") and returns false, as it does when the session has ended.
   */
  public static boolean listen(
      Session session, Endpoint at, String role, Consumer<String> cannotListen, Connections connections) {
    ForwardListener listener;
    try {
      listener = bind(at);
    } catch (IOException e) {
      cannotListen.accept("cannot listen on " + at + ": " + e.getMessage());
      return false;
    }
    return listener.serve(session, role, connections);
  }

  /**
   * Accepts connections in a task {@code role} of the session's group until the session ends,
   * each forwarded by {@code connections} in a task "forward". Returns false, with the listener
   * closed, when the session has ended already.
   */
  public boolean serve(Session session, String role, Connections connections) {
    session.whenEnded().thenRun(this::close);
    if (!session.tasks().tryFork(role, () -> acceptAll(session, connections))) {
      close();
      return false;
    }
    return true;
  }

  private void acceptAll(Session session, Connections connections) {
    while (true) {
      SocketChannel connection;
      try {
        connection = socket.accept();
      } catch (IOException e) {
        Logger.debug("{}: listener on {} closed: {}", session, at, e.getMessage());
        return;
      }
      boolean forked = session.tasks().tryFork("forward", () -> {
        try (connection) {
          connections.forward(connection);
        }
      });
      if (!forked) {
        closeQuietly(connection);
        return;
      }
    }
  }

  /** Stops listening; a unix socket's file is removed. */
  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing is all we can do
    }
    if (at instanceof Endpoint.Unix unix) {
      try {
        Files.deleteIfExists(Path.of(unix.path()));
      } catch (IOException e) {
        Logger.debug("cannot remove {}: {}", unix, e.getMessage());
      }
    }
  }

  private static ServerSocketChannel bindPrivately(Path path) throws IOException {
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(path.toString(), null, "a file is in the way (a stale socket? remove it)");
    }
    Path parent = path.toAbsolutePath().getParent();
    Path privateDir = Files.createTempDirectory(parent, ".et-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try {
      Path inside = privateDir.resolve("s");
      ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        socket.bind(UnixDomainSocketAddress.of(inside), BACKLOG);
        Files.setPosixFilePermissions(inside, PosixFilePermissions.fromString("rw-------"));
        Files.createLink(path, inside); // fails if something took the path meanwhile
        return socket;
      } catch (IOException | RuntimeException e) {
        socket.close();
        throw e;
      }
    } finally {
      try (Stream<Path> files = Files.walk(privateDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(ForwardListener::deleteQuietly);
      }
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      Logger.debug("cannot remove {}: {}", path, e.getMessage());
    }
  }

  private static void closeQuietly(SocketChannel connection) {
    try {
      connection.close();
    } catch (IOException e) {
      // closing is all we can do
    }
  }
}
