package et.server.session;

import et.core.Channel;
import et.core.Session;
import et.core.task.Deadline;
import et.terminal.Endpoint;
import et.terminal.ForwardPump;
import et.terminal.ForwardReply;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import org.tinylog.Logger;

/**
 * Serves the client's {@code forward} channels (docs/TERMINAL.md, "Forwarded connections"): reads
 * the target, connects to it (within {@link #CONNECT_TIMEOUT}), answers, then copies bytes both
 * ways, carrying a half-close through, until both directions have ended. A target that cannot be
 * reached, or a request that does not parse, gets a refusal with the reason and a log line; the
 * session goes on.
 *
 * <p>{@link #serve} runs as a task of the session's group named after the label; the bytes go
 * through a {@link ForwardPump}, which the session's end stops.
 */
final class ForwardService implements ChannelHandler {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final Session session;

  ForwardService(Session session) {
    this.session = session;
  }

  @Override
  public void serve(Channel channel) throws InterruptedException {
    try {
      Endpoint target;
      try {
        target = Endpoint.readFrom(channel.input());
      } catch (IOException e) {
        Logger.info("{}: refused a forward request: {}", session, e.getMessage());
        refuse(channel, "bad request: " + e.getMessage());
        return;
      }
      SocketChannel socket;
      try {
        socket = connect(target);
      } catch (IOException e) {
        Logger.info("{}: cannot forward to {}: {}", session, target, e.getMessage());
        refuse(channel, "cannot connect to " + target + ": " + e.getMessage());
        return;
      }
      try (socket) {
        ForwardReply.writeConnected(channel.output());
        Logger.debug("{}: forwarding to {}", session, target);
        ForwardPump.run(session, channel, socket);
      }
    } catch (IOException e) {
      // The channel refuses our answer: the client closed it or the session ended.
      Logger.debug("{}: forward ended before it began: {}", session, e.getMessage());
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
