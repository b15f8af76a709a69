package et.server.session;

import et.core.Channel;
import et.core.Session;
import et.core.task.Deadline;
import et.terminal.Endpoint;
import et.terminal.ForwardReply;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.tinylog.Logger;

/**
 * Serves the client's {@code forward} channels (docs/TERMINAL.md, "Forwarded connections"): reads
 * the target, connects to it (within {@link #CONNECT_TIMEOUT}), answers, then copies bytes both
 * ways, carrying a half-close through, until both directions have ended. A target that cannot be
 * reached, or a request that does not parse, gets a refusal with the reason and a log line; the
 * session goes on.
 *
 * <p>{@link #serve} copies channel to target on its own thread (a task of the session's group,
 * named after the label) and forks "forward-in" for the copy back; when the session ends first,
 * the connection to the target is closed, which ends both.
 */
final class ForwardService implements ChannelHandler {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final int CHUNK = 64 * 1024;

  private final Session session;

  ForwardService(Session session) {
    this.session = session;
  }

  @Override
  public void serve(Channel channel) throws IOException, InterruptedException {
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
        CompletableFuture<Void> inbound = session.tasks().fork("forward-in", () -> copyBack(socket, channel));
        copyOut(channel, socket);
        // The target may still answer after our end of file: wait for its end, or the session's.
        CompletableFuture.anyOf(inbound, session.whenEnded()).get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("a forward's copy failed", e.getCause());
      }
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

  /** Channel to target until the channel's end, then a half-close of the target. */
  private void copyOut(Channel channel, SocketChannel socket) {
    try {
      copy(channel.input(), Channels.newOutputStream(socket));
      socket.shutdownOutput();
    } catch (IOException e) {
      Logger.debug("{}: forward out ended: {}", session, e.getMessage());
      closeQuietly(socket); // the session ended or the target went away: end the other way too
    }
  }

  /** Target to channel until the target's end, then a half-close of the channel. */
  private void copyBack(SocketChannel socket, Channel channel) {
    try {
      copy(Channels.newInputStream(socket), channel.output());
      channel.shutdownOutput();
    } catch (IOException e) {
      Logger.debug("{}: forward in ended: {}", session, e.getMessage());
      closeQuietly(socket);
    }
  }

  private static void copy(InputStream from, OutputStream to) throws IOException {
    byte[] chunk = new byte[CHUNK];
    for (int n; (n = from.read(chunk)) >= 0; ) {
      to.write(chunk, 0, n);
    }
  }

  private static void closeQuietly(SocketChannel socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing is all we can do
    }
  }
}
