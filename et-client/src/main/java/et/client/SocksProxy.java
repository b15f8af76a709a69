package et.client;

import et.client.Socks5Handshake.Reply;
import et.core.Channel;
import et.core.Session;
import et.core.task.Deadline;
import et.terminal.TerminalChannels;
import et.terminal.forward.Endpoint;
import et.terminal.forward.ForwardChannels;
import et.terminal.forward.ForwardListener;
import et.terminal.forward.ForwardPump;
import et.terminal.forward.ForwardRefusedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.tinylog.Logger;

/**
 * SOCKS5 proxies on this machine ({@code -D}) whose connections go out from the session host: a
 * {@link ForwardListener} per proxy ("socks LISTEN"), and per accepted connection a task that runs
 * the handshake ({@link Socks5Handshake}) within a deadline, then carries the connection to the
 * target it asked for through a {@link TerminalChannels#FORWARD} channel ({@link
 * ForwardChannels}), answering the client with the host's result: succeeded, or general failure
 * when the host could not connect (its reason goes to {@code note}, shown with {@code -v}). Names
 * are resolved on the host.
 *
 * <p>A connection that is refused (a request the proxy does not serve, another protocol, a target
 * the host cannot reach) gets the answer the protocol has for it and is closed; so is one that has
 * not finished its handshake by the deadline. Each is logged at debug level; neither the session
 * nor another connection notices. A listener that cannot bind is reported through {@code warn}.
 */
final class SocksProxy {
  /** How long a client may take over its greeting and request. */
  static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
  private static final int SHOWN_CHARS = 200;

  private SocksProxy() {}

  /** Binds every proxy's listener now (so failures show before the session runs) and serves them. */
  static void start(Session session, List<Endpoint> proxies, Consumer<String> warn, Consumer<String> note) {
    start(session, proxies, HANDSHAKE_TIMEOUT, warn, note);
  }

  /** As above, with the handshake's deadline {@code handshakeTimeout}. */
  static void start(Session session, List<Endpoint> proxies, Duration handshakeTimeout, Consumer<String> warn,
      Consumer<String> note) {
    for (Endpoint at : proxies) {
      ForwardListener.listen(session, at, "socks " + at, warn, local -> serve(session, local, handshakeTimeout, note));
    }
  }

  private static void serve(Session session, SocketChannel local, Duration handshakeTimeout, Consumer<String> note)
      throws InterruptedException {
    InputStream in = Channels.newInputStream(local);
    OutputStream out = Channels.newOutputStream(local);
    Endpoint.Tcp target;
    try (Deadline deadline = Deadline.closeAfter(local, handshakeTimeout)) {
      try {
        target = Socks5Handshake.accept(in, out);
      } catch (Socks5Handshake.Refused e) {
        Logger.debug("{}: refused a SOCKS connection: {}", session, e.getMessage());
        awaitClientClose(local, in); // within the deadline
        return;
      } catch (IOException e) {
        Logger.debug("{}: SOCKS handshake ended: {}", session, deadline.passed()
            ? "not done within " + handshakeTimeout.toMillis() + " ms" : e.toString());
        return;
      }
      if (!deadline.cancel()) {
        return; // it passed just now: the connection is closed
      }
    }
    Channel channel;
    try {
      channel = ForwardChannels.open(session, TerminalChannels.FORWARD, target);
    } catch (ForwardRefusedException e) {
      note.accept("SOCKS connection to " + target + ": " + Printable.escape(e.getMessage(), SHOWN_CHARS));
      replyQuietly(out, Reply.GENERAL_FAILURE);
      return;
    } catch (IOException e) {
      Logger.debug("{}: SOCKS connection to {} ended before it began: {}", session, target, e.getMessage());
      return;
    }
    try {
      Socks5Handshake.writeReply(out, Reply.SUCCEEDED);
      ForwardPump.run(session, channel, local);
    } catch (IOException e) {
      Logger.debug("{}: the SOCKS client left: {}", session, e.getMessage());
    } finally {
      try {
        channel.close();
      } catch (IOException e) {
        // the session has ended, and the channel with it
      }
    }
  }

  private static void replyQuietly(OutputStream out, Reply reply) {
    try {
      Socks5Handshake.writeReply(out, reply);
    } catch (IOException e) {
      // the client left: nobody to tell
    }
  }

  /**
   * Ends our side after a refusal and reads what the client still sends until it closes: closing
   * with unread bytes would reset the connection, which can destroy the reply before it is read.
   */
  private static void awaitClientClose(SocketChannel local, InputStream in) {
    try {
      local.shutdownOutput();
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      // the client reset the connection, or the deadline closed it
    }
  }
}
