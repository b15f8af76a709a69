package et.server.session;

import et.core.Channel;
import et.core.Session;
import et.terminal.ChannelDispatcher;
import et.terminal.ChannelHandler;
import et.terminal.TerminalChannels;
import et.terminal.forward.Endpoint;
import et.terminal.forward.ForwardChannels;
import et.terminal.forward.ForwardListener;
import et.terminal.forward.ForwardRefusedException;
import et.terminal.forward.ForwardReply;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.tinylog.Logger;

/**
 * Serves the client's {@link TerminalChannels#LISTEN} channels (docs/TERMINAL.md, "Reverse
 * tunnels"): checks the listener against the {@link ForwardPolicy}, binds it, answers, and from
 * then on, until the session ends, forwards each connection it accepts through a {@link
 * TerminalChannels#REVERSE} channel that names the listener; the client chooses where it goes. A
 * listener that is not allowed or cannot bind is refused with the reason; the session goes on.
 */
final class ReverseListenService implements ChannelHandler {
  /** Listeners one session may hold: each is a socket and a task. */
  static final int MAX_LISTENERS = 256;

  private final Session session;
  private final ForwardPolicy policy;
  private final AtomicInteger listeners = new AtomicInteger();

  ReverseListenService(Session session, ForwardPolicy policy) {
    this.session = session;
    this.policy = policy;
  }

  @Override
  public void serve(Channel channel) throws InterruptedException {
    try {
      Endpoint at = Endpoint.readFrom(channel.input());
      try {
        ForwardListener listener = listen(at);
        // Served first: it closes with the session, even if the answer below cannot go out.
        listener.serve(session, "reverse " + at, connection ->
            ForwardChannels.forward(session, TerminalChannels.REVERSE, at, connection,
                reason -> Logger.info("{}: the client refused a connection to {}: {}", session, at, reason)));
        ForwardReply.writeConnected(channel.output());
        Logger.info("{}: listening on {} for the client", session, at);
      } catch (ForwardRefusedException e) {
        Logger.info("{}: refused to listen on {}: {}", session, at, e.getMessage());
        ForwardReply.writeRefused(channel.output(), e.getMessage());
      }
    } catch (IOException e) {
      Logger.info("{}: refused a listen request: {}", session, e.getMessage());
      try {
        ForwardReply.writeRefused(channel.output(), "bad request: " + e.getMessage());
      } catch (IOException ended) {
        // the session or the channel has ended: nobody to tell
      }
    } finally {
      ChannelDispatcher.closeQuietly(channel);
    }
  }

  private ForwardListener listen(Endpoint at) throws ForwardRefusedException {
    policy.checkListen(at);
    if (listeners.incrementAndGet() > MAX_LISTENERS) {
      listeners.decrementAndGet();
      throw new ForwardRefusedException("already " + MAX_LISTENERS + " listeners in this session");
    }
    try {
      return ForwardListener.bind(at);
    } catch (IOException e) {
      listeners.decrementAndGet();
      throw new ForwardRefusedException("cannot listen on " + at + ": " + e.getMessage());
    }
  }
}
