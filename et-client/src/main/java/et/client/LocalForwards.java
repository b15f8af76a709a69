package et.client;

import et.client.cli.TunnelSpec.Tunnel;
import et.core.Session;
import et.terminal.TerminalChannels;
import et.terminal.forward.ForwardChannels;
import et.terminal.forward.ForwardListener;
import java.util.List;
import java.util.function.Consumer;

/**
 * This machine's end of the session's tunnels ({@code -t}, {@code -L}): a {@link ForwardListener}
 * per tunnel ("tunnel LISTEN"), whose connections each go through a {@link TerminalChannels#FORWARD}
 * channel to the tunnel's target, so a connection survives network changes like the session. A
 * listener that cannot bind and a target the host cannot reach are reported through {@code warn},
 * and the session goes on; the connection whose target was refused is reset.
 */
final class LocalForwards {
  private static final int SHOWN_CHARS = 200;

  private LocalForwards() {}

  /** Binds every tunnel's listener now (so failures show before the session runs) and serves them. */
  static void start(Session session, List<Tunnel> tunnels, Consumer<String> warn) {
    for (Tunnel tunnel : tunnels) {
      ForwardListener.listen(session, tunnel.listen(), "tunnel " + tunnel.listen(), warn, connection ->
          ForwardChannels.forward(session, TerminalChannels.FORWARD, tunnel.target(), connection,
              reason -> warn.accept("tunnel to " + tunnel.target() + ": " + Printable.escape(reason, SHOWN_CHARS))));
    }
  }
}
