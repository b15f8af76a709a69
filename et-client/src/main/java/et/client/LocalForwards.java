package et.client;

import et.client.cli.TunnelSpec.Tunnel;
import et.core.Channel;
import et.core.Session;
import et.terminal.Endpoint;
import et.terminal.ForwardPump;
import et.terminal.ForwardReply;
import et.terminal.TerminalChannels;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.tinylog.Logger;

/**
 * This machine's end of the session's tunnels ({@code -t}, {@code -L}): a listener per tunnel, a
 * task of the session's group ("tunnel LISTEN"), and per accepted connection a task "forward" that
 * opens a {@link TerminalChannels#FORWARD} channel to the tunnel's target and pumps it ({@link
 * ForwardPump}), so a connection survives network changes like the session. Listeners close when
 * the session ends (a unix socket's file is removed). A listener that cannot bind and a target the
 * host cannot reach are reported through {@code warn}, and the session goes on; the connection whose
 * target was refused is reset.
 */
final class LocalForwards {
  private static final int SHOWN_CHARS = 200;

  private LocalForwards() {}

  /** Binds every tunnel's listener now (so failures show before the session runs) and serves them. */
  static void start(Session session, List<Tunnel> tunnels, Consumer<String> warn) {
    for (Tunnel tunnel : tunnels) {
      ServerSocketChannel listener;
      try {
        listener = bind(tunnel.listen());
      } catch (IOException e) {
        warn.accept("cannot listen on " + tunnel.listen() + ": " + e.getMessage());
        continue;
      }
      session.whenEnded().thenRun(() -> close(listener, tunnel.listen()));
      if (!session.tasks().tryFork("tunnel " + tunnel.listen(), () -> accept(session, listener, tunnel.target(), warn))) {
        close(listener, tunnel.listen()); // the session has ended
      }
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

  private static void accept(Session session, ServerSocketChannel listener, Endpoint target, Consumer<String> warn) {
    while (true) {
      SocketChannel local;
      try {
        local = listener.accept();
      } catch (IOException e) {
        return; // closed: the session has ended
      }
      if (!session.tasks().tryFork("forward", () -> forward(session, local, target, warn))) {
        closeQuietly(local);
        return;
      }
    }
  }

  private static void forward(Session session, SocketChannel local, Endpoint target, Consumer<String> warn)
      throws InterruptedException {
    Channel channel;
    try {
      channel = session.openChannel(TerminalChannels.FORWARD);
    } catch (IOException sessionEnded) {
      closeQuietly(local);
      return;
    }
    try {
      target.writeTo(channel.output());
      Optional<String> refused = ForwardReply.read(channel.input());
      if (refused.isPresent()) {
        warn.accept("tunnel to " + target + ": " + Printable.escape(refused.get(), SHOWN_CHARS));
        reset(local);
        return;
      }
      ForwardPump.run(session, channel, local);
    } catch (IOException e) {
      // The session ended before the host answered, or the host broke the forward's protocol.
      Logger.debug("{}: tunnel to {} ended before it began: {}", session, target, e.getMessage());
    } finally {
      closeQuietly(local);
      try {
        channel.close();
      } catch (IOException e) {
        // the session has ended, and the channel with it
      }
    }
  }

  /** Closes a TCP connection with a reset, as a refused connect would; a unix one plainly. */
  private static void reset(SocketChannel local) {
    try {
      if (local.getLocalAddress() instanceof InetSocketAddress) {
        local.setOption(StandardSocketOptions.SO_LINGER, 0);
      }
    } catch (IOException e) {
      // closed already
    }
    closeQuietly(local);
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

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // closing is all we can do
    }
  }
}
