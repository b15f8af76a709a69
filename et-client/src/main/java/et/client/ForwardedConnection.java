package et.client;

import et.core.Channel;
import et.core.Session;
import et.terminal.Endpoint;
import et.terminal.ForwardPump;
import et.terminal.ForwardReply;
import et.terminal.TerminalChannels;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import org.tinylog.Logger;

/**
 * One connection accepted on this machine, carried to a target through a {@link
 * TerminalChannels#FORWARD} channel of its own (docs/TERMINAL.md, "Forwarded connections"): names
 * the target, waits for the host's answer and tells it to the caller's {@link HostAnswer}; once
 * connected, pumps bytes both ways ({@link ForwardPump}) until both directions or the session have
 * ended. Runs on the connection's task; closes the channel, and leaves the socket to its owner.
 */
final class ForwardedConnection {
  /** What the caller does with the host's answer, before any byte is pumped. */
  interface HostAnswer {
    /** The host has connected to the target. */
    void connected() throws IOException;

    /** The host could not connect to the target; {@code reason} is remote text (show it escaped). */
    void refused(String reason) throws IOException;
  }

  private ForwardedConnection() {}

  /** Forwards {@code local} to {@code target}; returns once the forward has ended. */
  static void run(Session session, SocketChannel local, Endpoint target, HostAnswer answer) throws InterruptedException {
    Channel channel;
    try {
      channel = session.openChannel(TerminalChannels.FORWARD);
    } catch (IOException sessionEnded) {
      return;
    }
    try {
      target.writeTo(channel.output());
      Optional<String> refused = ForwardReply.read(channel.input());
      if (refused.isPresent()) {
        answer.refused(refused.get());
        return;
      }
      answer.connected();
      ForwardPump.run(session, channel, local);
    } catch (IOException e) {
      // The session ended before the host answered, the host broke the forward's protocol, or the
      // local connection failed before the pump began.
      Logger.debug("{}: forward to {} ended before it began: {}", session, target, e.getMessage());
    } finally {
      LocalListener.closeQuietly(channel); // the session may have ended, and the channel with it
    }
  }
}
