package et.terminal;

import et.core.Channel;
import et.core.Session;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.tinylog.Logger;

/**
 * Takes the channels a session's peer opens, for the session's whole life, and forks each one's
 * {@link ChannelHandler} into the session's group as a task named after its label ({@link
 * ChannelHandler.InOrder} ones run at once, in the order the channels opened). A label no handler
 * serves is refused: the channel is closed (the peer reads its end), the refusal logged, and the
 * session goes on. Used alike by the host (the client's channels) and the client (the host's:
 * reverse tunnels, the agent).
 *
 * <p>{@link #run} is the session's task "channels"; it returns when the session has ended.
 */
public final class ChannelDispatcher {
  /** Shown of a label in a log line: it is remote text. */
  private static final int SHOWN_CHARS = 40;

  private final Session session;
  private final Map<String, ChannelHandler> handlers;

  public ChannelDispatcher(Session session, Map<String, ChannelHandler> handlers) {
    this.session = session;
    this.handlers = Map.copyOf(handlers);
  }

  public void run() throws InterruptedException {
    while (true) {
      Channel channel = session.acceptChannel(Duration.ofDays(1));
      if (channel == null) {
        if (session.end() != null) {
          return;
        }
        continue; // a quiet day
      }
      ChannelHandler handler = handlers.get(channel.label());
      if (handler == null) {
        Logger.info("{}: refused a channel \"{}\": no such service", session, printable(channel.label()));
        closeQuietly(channel);
      } else if (handler instanceof ChannelHandler.InOrder) {
        serveInOrder(handler, channel);
      } else if (!session.tasks().tryFork(channel.label(), () -> handler.serve(channel))) {
        closeQuietly(channel); // the session ended meanwhile
      }
    }
  }

  private void serveInOrder(ChannelHandler handler, Channel channel) throws InterruptedException {
    try {
      handler.serve(channel);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      Logger.warn("{}: the \"{}\" channel's service failed: {}", session, printable(channel.label()), e.toString());
      closeQuietly(channel);
    }
  }

  /** {@code label} cut short, with control characters shown as "?". */
  static String printable(String label) {
    StringBuilder shown = new StringBuilder();
    label.codePoints().limit(SHOWN_CHARS).forEach(c -> shown.append(Character.isISOControl(c) ? "?" : Character.toString(c)));
    return shown.toString();
  }

  /** Closes {@code channel}, which fails only once the session has ended (and the channel with it). */
  public static void closeQuietly(Channel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // the session is ending: the channel goes with it
    }
  }
}
