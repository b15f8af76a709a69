package et.client;

import et.client.cli.TunnelSpec.Tunnel;
import et.core.Session;
import et.terminal.TerminalChannels;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.function.Consumer;

/**
 * This machine's end of the session's tunnels ({@code -t}, {@code -L}): a {@link LocalListener} per
 * tunnel ("tunnel LISTEN"), and per accepted connection a task "forward" that carries it to the
 * tunnel's target through a {@link TerminalChannels#FORWARD} channel ({@link ForwardedConnection}),
 * so a connection survives network changes like the session. A listener that cannot bind and a
 * target the host cannot reach are reported through {@code warn}, and the session goes on; the
 * connection whose target was refused is reset.
 */
final class LocalForwards {
  private static final int SHOWN_CHARS = 200;

  private LocalForwards() {}

  /** Binds every tunnel's listener now (so failures show before the session runs) and serves them. */
  static void start(Session session, List<Tunnel> tunnels, Consumer<String> warn) {
    for (Tunnel tunnel : tunnels) {
      LocalListener.start(session, tunnel.listen(), "tunnel", "forward",
          local -> ForwardedConnection.run(session, local, tunnel.target(), new ForwardedConnection.HostAnswer() {
            @Override
            public void connected() {}

            @Override
            public void refused(String reason) {
              warn.accept("tunnel to " + tunnel.target() + ": " + Printable.escape(reason, SHOWN_CHARS));
              resetOnClose(local);
            }
          }),
          warn);
    }
  }

  /** Makes the close of a TCP connection a reset, as a refused connect would be; a unix one closes plainly. */
  private static void resetOnClose(SocketChannel local) {
    try {
      if (local.getLocalAddress() instanceof InetSocketAddress) {
        local.setOption(StandardSocketOptions.SO_LINGER, 0);
      }
    } catch (IOException e) {
      // closed already
    }
  }
}
