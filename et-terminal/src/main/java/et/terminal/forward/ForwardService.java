package et.terminal.forward;

import et.core.Channel;
import et.core.Session;
import et.core.task.Deadline;
import et.terminal.ChannelDispatcher;
import et.terminal.ChannelHandler;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import org.tinylog.Logger;

/**
 * Serves the peer's forward-style channels (docs/TERMINAL.md, "Forwarded connections"): reads the
 * request, asks its {@link ForwardTargets} where that may lead, connects there (within {@link
 * #CONNECT_TIMEOUT}), answers, then copies bytes both ways, carrying a half-close through, until
 * both directions have ended. A request that does not parse, is not allowed or cannot be reached
 * gets a refusal with the reason and a log line; the session goes on.
 *
 * <p>The host serves the client's {@code forward} channels with it, the client the host's {@code
 * reverse} and {@code agent} channels. {@link #serve} runs as a task of the session's group named
 * after the label; the bytes go through a {@link ForwardPump}, which the session's end stops.
 */
public final class ForwardService implements ChannelHandler {
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final Session session;
  private final ForwardTargets targets;

  public ForwardService(Session session, ForwardTargets targets) {
    this.session = session;
    this.targets = targets;
  }

  @Override
  public void serve(Channel channel) throws InterruptedException {
    try {
      Endpoint request;
      try {
        request = Endpoint.readFrom(channel.input());
      } catch (IOException e) {
        Logger.info("{}: refused a {} request: {}", session, channel.label(), e.getMessage());
        refuse(channel, "bad request: " + e.getMessage());
        return;
      }
      Endpoint target;
      SocketChannel socket;
      try {
        target = targets.resolve(request);
      } catch (ForwardRefusedException e) {
        Logger.info("{}: refused a {} for {}: {}", session, channel.label(), request, e.getMessage());
        refuse(channel, e.getMessage());
        return;
      }
      try {
        socket = connect(target);
      } catch (IOException e) {
        Logger.info("{}: cannot connect a {} to {}: {}", session, channel.label(), target, e.getMessage());
        refuse(channel, "cannot connect to " + target + ": " + e.getMessage());
        return;
      }
      try (socket) {
        ForwardReply.writeConnected(channel.output());
        Logger.debug("{}: {} to {}", session, channel.label(), target);
        ForwardPump.run(session, channel, socket);
      }
    } catch (IOException e) {
      // The channel refuses our answer: the peer closed it or the session ended.
      Logger.debug("{}: {} ended before it began: {}", session, channel.label(), e.getMessage());
    } finally {
      ChannelDispatcher.closeQuietly(channel); // the session may have ended: nothing to tell
    }
  }

  private static SocketChannel connect(Endpoint target) throws IOException {
    SocketChannel socket = target instanceof Endpoint.Unix ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
    Deadline deadline = Deadline.closeAfter(socket, CONNECT_TIMEOUT);
    try {
      socket.connect(target.address());
      if (!deadline.cancel()) {
        throw new IOException("no answer within " + CONNECT_TIMEOUT.toSeconds() + " s");
      }
      return socket;
    } catch (UnresolvedAddressException e) {
      socket.close();
      throw new IOException("unknown host");
    } catch (IOException e) {
      socket.close();
      throw deadline.passed() ? new IOException("no answer within " + CONNECT_TIMEOUT.toSeconds() + " s") : e;
    } finally {
      deadline.close();
    }
  }

  private static void refuse(Channel channel, String reason) throws IOException {
    ForwardReply.writeRefused(channel.output(), reason);
    channel.shutdownOutput();
  }
}
