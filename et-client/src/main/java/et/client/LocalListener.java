package et.client;

import et.core.Session;
import et.terminal.Endpoint;
import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Consumer;

/**
 * A listener on this machine whose connections are served within the session (a tunnel's, a SOCKS
 * proxy's): bound at once, so a failure shows before the session runs; then a task of the session's
 * group ("{@code role} LISTEN") accepts until the session ends, and serves each accepted connection
 * on a task of its own ({@code connectionRole}), which closes the connection once its {@link
 * Connections} returns. The listener closes when the session ends (a unix socket's file is
 * removed); a unix socket is made 0600.
 */
final class LocalListener {
  /** Serves one accepted connection, on the connection's own task; the connection is closed after. */
  @FunctionalInterface
  interface Connections {
    void serve(SocketChannel local) throws Exception;
  }

  private LocalListener() {}

  /** Binds {@code at} and serves its connections; a listener that cannot bind is told to {@code warn}. */
  static void start(Session session, Endpoint at, String role, String connectionRole, Connections connections,
      Consumer<String> warn) {
    ServerSocketChannel listener;
    try {
      listener = bind(at);
    } catch (IOException e) {
      warn.accept("cannot listen on " + at + ": " + e.getMessage());
      return;
    }
    session.whenEnded().thenRun(() -> close(listener, at));
    if (!session.tasks().tryFork(role + " " + at, () -> accept(session, listener, connectionRole, connections))) {
      close(listener, at); // the session has ended
    }
  }

  private static ServerSocketChannel bind(Endpoint at) throws IOException {
    ServerSocketChannel listener = at instanceof Endpoint.Unix ? ServerSocketChannel.open(StandardProtocolFamily.UNIX) : ServerSocketChannel.open();
    try {
      listener.bind(at.address(), 64);
      if (at instanceof Endpoint.Unix unix) {
        Files.setPosixFilePermissions(Path.of(unix.path()), PosixFilePermissions.fromString("rw-------"));
      }
      return listener;
    } catch (IOException | RuntimeException e) {
      listener.close();
      throw e;
    }
  }

  private static void accept(Session session, ServerSocketChannel listener, String connectionRole, Connections connections) {
    while (true) {
      SocketChannel local;
      try {
        local = listener.accept();
      } catch (IOException e) {
        return; // closed: the session has ended
      }
      boolean forked = session.tasks().tryFork(connectionRole, () -> {
        try (local) {
          connections.serve(local);
        }
      });
      if (!forked) {
        closeQuietly(local);
        return;
      }
    }
  }

  private static void close(ServerSocketChannel listener, Endpoint at) {
    closeQuietly(listener);
    if (at instanceof Endpoint.Unix unix) {
      try {
        Files.deleteIfExists(Path.of(unix.path()));
      } catch (IOException e) {
        // a stale socket file: the next bind reports it
      }
    }
  }

  static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // closing is all we can do
    }
  }
}
