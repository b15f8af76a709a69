package et.terminal.forward;

import et.core.Channel;
import et.core.Session;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.tinylog.Logger;

/**
 * The bytes of one forwarded connection, both ways between a {@link et.terminal.TerminalChannels#FORWARD}
 * channel and a socket (the client's accepted connection, or the host's connection to the
 * target), with end of file carried through as a half-close in each direction. Used alike on both
 * ends.
 */
public final class ForwardPump {
  private static final int CHUNK = 64 * 1024;

  private ForwardPump() {}

  /**
   * Copies socket to channel in a task "forward-in" of the session's group and channel to socket on
   * the calling thread, and returns once both directions have ended or the session has, or once
   * the channel's bytes are written and the peer has closed it; then closes the socket. A failure in
   * either direction closes the socket, which ends the other.
   */
  public static void run(Session session, Channel channel, SocketChannel socket) throws InterruptedException {
    try (socket) {
      CompletableFuture<Void> inbound = new CompletableFuture<>();
      if (!session.tasks().tryFork("forward-in", () -> copyIn(session, socket, channel, inbound))) {
        return; // the session has ended
      }
      copyOut(session, channel, socket);
      // The other end may still answer after our end of file: wait for its end, or the session's.
      // A peer that closed the channel reads no more: its answer would go nowhere, and a socket
      // that never ends would be held for the session's life.
      CompletableFuture.anyOf(inbound, session.whenEnded(), channel.whenClosedByPeer()).get();
    } catch (ExecutionException | IOException e) {
      Logger.debug("{}: forward ended: {}", session, e.toString());
    }
  }

  /** Channel to socket until the channel's end, then a half-close of the socket. */
  private static void copyOut(Session session, Channel channel, SocketChannel socket) {
    try {
      copy(channel.input(), Channels.newOutputStream(socket));
      socket.shutdownOutput();
    } catch (IOException e) {
      Logger.debug("{}: forward out ended: {}", session, e.getMessage());
      closeQuietly(socket); // the session ended or the socket failed: end the other way too
    }
  }

  /**
   * Socket to channel until the socket's end, then a half-close of the channel. A failure (the
   * socket was reset, or closed because the other direction failed) closes the channel too: the
   * peer, which may be waiting for bytes and never send any, learns that the connection is gone.
   */
  private static void copyIn(Session session, SocketChannel socket, Channel channel, CompletableFuture<Void> done) {
    try {
      copy(Channels.newInputStream(socket), channel.output());
      channel.shutdownOutput();
    } catch (IOException e) {
      Logger.debug("{}: forward in ended: {}", session, e.getMessage());
      closeQuietly(socket);
      closeQuietly(channel);
    } finally {
      done.complete(null);
    }
  }

  private static void copy(InputStream from, OutputStream to) throws IOException {
    byte[] chunk = new byte[CHUNK];
    for (int n; (n = from.read(chunk)) >= 0; ) {
      to.write(chunk, 0, n);
    }
  }

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // closing is all we can do (a channel fails only once the session has ended)
    }
  }
}
