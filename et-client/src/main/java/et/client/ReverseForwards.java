package et.client;

import et.client.cli.TunnelSpec.Tunnel;
import et.core.Channel;
import et.core.Session;
import et.terminal.ChannelDispatcher;
import et.terminal.ChannelHandler;
import et.terminal.TerminalChannels;
import et.terminal.forward.Endpoint;
import et.terminal.forward.ForwardRefusedException;
import et.terminal.forward.ForwardReply;
import et.terminal.forward.ForwardService;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * This machine's end of what the host forwards to it: reverse tunnels ({@code -r}, {@code -R}) and
 * the ssh agent ({@code -A}). Asks the host for each tunnel's listener (a {@link
 * TerminalChannels#LISTEN} channel) and serves the channels the host opens
 * ("channels", a {@link ChannelDispatcher}): a {@link TerminalChannels#REVERSE} one is connected to
 * the target this machine chose for that listener, never to one the host names; an {@link
 * TerminalChannels#AGENT} one to the local agent, and only when asked for. A listener the host
 * refuses and a target that cannot be reached are reported through {@code warn}; the session goes
 * on.
 */
final class ReverseForwards {
  private static final int SHOWN_CHARS = 200;

  private ReverseForwards() {}

  /**
   * Serves the host's channels, asks for the tunnels' listeners and returns once the host has
   * answered (or the session has ended).
   *
   * @param agent the local agent's socket, when the host was asked to forward it
   */
  static void start(Session session, List<Tunnel> tunnels, Optional<Endpoint> agent, Consumer<String> warn)
      throws InterruptedException {
    Map<Endpoint, Endpoint> targets = new HashMap<>();
    tunnels.forEach(tunnel -> targets.put(tunnel.listen(), tunnel.target()));
    Map<String, ChannelHandler> handlers = new HashMap<>();
    handlers.put(TerminalChannels.REVERSE, new ForwardService(session, listen -> {
      Endpoint target = targets.get(listen);
      if (target == null) {
        throw new ForwardRefusedException("no reverse tunnel listens on " + listen);
      }
      return target;
    }));
    agent.ifPresent(socket -> handlers.put(TerminalChannels.AGENT, new ForwardService(session, request -> socket)));
    ChannelDispatcher channels = new ChannelDispatcher(session, handlers);
    if (!session.tasks().tryFork("channels", channels::run)) {
      return; // the session has ended
    }
    askToListen(session, tunnels, warn);
  }

  /**
   * Asks for every listener at once, then waits for the answers, so the host listens before the
   * program starts (a command given with -c may connect at once), at the cost of one round trip.
   */
  private static void askToListen(Session session, List<Tunnel> tunnels, Consumer<String> warn) throws InterruptedException {
    Map<Tunnel, Channel> asked = new LinkedHashMap<>();
    try {
      for (Tunnel tunnel : tunnels) {
        Channel channel = session.openChannel(TerminalChannels.LISTEN);
        asked.put(tunnel, channel);
        tunnel.listen().writeTo(channel.output());
      }
      for (Map.Entry<Tunnel, Channel> each : asked.entrySet()) {
        ForwardReply.read(each.getValue().input()).ifPresent(reason -> warn.accept(
            "the host cannot listen on " + each.getKey().listen() + ": " + Printable.escape(reason, SHOWN_CHARS)));
      }
    } catch (IOException e) {
      // the session ended before the host answered: its end is what the user hears of
    } finally {
      asked.values().forEach(ReverseForwards::closeQuietly); // a listener lives as long as the session
    }
  }

  private static void closeQuietly(Channel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // the session has ended, and the channel with it
    }
  }
}
