package et.terminal.forward;

import et.core.Channel;
import et.core.Session;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.function.Consumer;
import org.tinylog.Logger;

/**
 * The opening side of a forwarded connection (docs/TERMINAL.md, "Forwarded connections"): opens a
 * channel with a forward-style label, sends the request, reads the peer's {@link ForwardReply} and,
 * once connected, pumps the local socket through it. The client opens {@code forward} channels
 * this way for its tunnels, the host {@code reverse} and {@code agent} channels for its listeners.
 */
public final class ForwardChannels {
  private ForwardChannels() {}

  /**
   * Opens a {@code label} channel for {@code request} and returns it once the peer has connected.
   *
   * @throws ForwardRefusedException the peer's reason (remote text: show it escaped); the channel
   *     is closed
   * @throws IOException the session ended before the peer answered, or the peer broke the protocol
   */
  public static Channel open(Session session, String label, Endpoint request)
      throws IOException, ForwardRefusedException, InterruptedException {
    Channel channel = session.openChannel(label);
    try {
      request.writeTo(channel.output());
      Optional<String> refused = ForwardReply.read(channel.input());
      if (refused.isPresent()) {
        throw new ForwardRefusedException(refused.get());
      }
      return channel;
    } catch (IOException | ForwardRefusedException | RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  /**
   * Forwards the accepted connection {@code local} through a {@code label} channel for {@code
   * request} until both directions have ended, then closes both. A refusal is handed to {@code
   * refused} and resets {@code local}, as a refused connect would.
   */
  public static void forward(Session session, String label, Endpoint request, SocketChannel local, Consumer<String> refused)
      throws InterruptedException {
    try (local) {
      Channel channel;
      try {
        channel = open(session, label, request);
      } catch (ForwardRefusedException e) {
        refused.accept(e.getMessage());
        reset(local);
        return;
      }
      try {
        ForwardPump.run(session, channel, local);
      } finally {
        closeQuietly(channel);
      }
    } catch (IOException e) {
      Logger.debug("{}: {} for {} ended before it began: {}", session, label, request, e.getMessage());
    }
  }

  /** Closes a TCP connection with a reset, as a refused connect would; a unix one plainly. */
  public static void reset(SocketChannel socket) {
    try {
      if (socket.getLocalAddress() instanceof InetSocketAddress) {
        socket.setOption(StandardSocketOptions.SO_LINGER, 0);
      }
      socket.close();
    } catch (IOException e) {
      // closed already
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
