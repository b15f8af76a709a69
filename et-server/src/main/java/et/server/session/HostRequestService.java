package et.server.session;

import et.core.Channel;
import et.core.Session;
import et.core.task.Deadline;
import et.terminal.BoundedLine;
import et.terminal.ChannelDispatcher;
import et.terminal.ChannelHandler;
import et.terminal.TerminalChannels;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.tinylog.Logger;

/**
 * Serves the client's {@link TerminalChannels#HOST_REQUEST} channels (docs/TERMINAL.md, "Channels
 * of a terminal session"): reads one host request line (at most {@link BoundedLine#MAX_BYTES}),
 * has the host answer it ({@link HostRequests}), writes the reply line and closes the channel. A
 * line that does not come whole within the deadline, or is too long, closes the channel without a
 * reply; so does a line the host leaves unanswered. The session goes on either way.
 *
 * <p>It runs in order on the dispatcher's thread ({@link ChannelHandler.InOrder}) only to admit
 * each channel in the order it opened: at most {@link #MAX_AT_ONCE} are served at a time, a further
 * one is closed at once. Each admitted channel is served by a task of the session's group named
 * after its label. The deadline covers the whole exchange, so a client that never reads its reply
 * cannot keep its place either; the deadline's close runs as a task of its own, since closing a
 * channel may wait for room in the session's backlog and the deadline timer is one thread for the
 * whole process.
 *
 * <p>Never logs the request line nor the reply: a reply carries a session's secret.
 */
final class HostRequestService implements ChannelHandler.InOrder {
  /** Host requests one session may have answered at a time. */
  static final int MAX_AT_ONCE = 4;

  private final Session session;
  private final HostRequests hostRequests;
  private final Duration deadline;
  /** One permit per channel being served; released before that channel is closed. */
  private final Semaphore places = new Semaphore(MAX_AT_ONCE);

  HostRequestService(Session session, HostRequests hostRequests) {
    this(session, hostRequests, HostRequests.REQUEST_DEADLINE);
  }

  /** As above, with another deadline for the whole exchange: for tests. */
  HostRequestService(Session session, HostRequests hostRequests, Duration deadline) {
    this.session = session;
    this.hostRequests = hostRequests;
    this.deadline = deadline;
  }

  @Override
  public void serve(Channel channel) {
    if (!places.tryAcquire()) {
      Logger.info("{}: refused a host request: {} already being answered", session, MAX_AT_ONCE);
      ChannelDispatcher.closeQuietly(channel);
      return;
    }
    boolean forked = session.tasks().tryFork(channel.label(), () -> {
      try {
        answer(channel);
      } finally {
        places.release(); // first: once the client sees the close, the place is free again
        ChannelDispatcher.closeQuietly(channel);
      }
    });
    if (!forked) { // the session has ended
      places.release();
      ChannelDispatcher.closeQuietly(channel);
    }
  }

  private void answer(Channel channel) {
    try (Deadline limit = Deadline.closeAfter(() -> closeAside(channel), deadline)) {
      Optional<String> line = readLine(channel, limit);
      if (line.isEmpty()) {
        return;
      }
      Optional<String> reply = hostRequests.answer(line.get());
      if (reply.isEmpty()) {
        Logger.info("{}: a host request over the session got no reply: not even its nonce was readable", session);
        return;
      }
      OutputStream out = channel.output();
      out.write((reply.get() + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Logger.info("{}: answered a host request over the session", session);
    } catch (IOException e) {
      Logger.info("{}: the reply to a host request could not go out: {}", session, e.getMessage());
    }
  }

  /** The request line; empty, with a log line saying why, when none came whole in time. */
  private Optional<String> readLine(Channel channel, Deadline limit) {
    String why;
    try {
      String line = BoundedLine.read(new BufferedInputStream(channel.input()), BoundedLine.MAX_BYTES);
      if (!limit.passed()) {
        return Optional.of(line);
      }
      why = late(); // the deadline's close ended the read: the line may be cut short
    } catch (IOException e) { // the channel's end, a line too long, or the session's end
      why = limit.passed() ? late() : e.getMessage();
    }
    Logger.info("{}: no host request read over the session: {}", session, why);
    return Optional.empty();
  }

  private void closeAside(Channel channel) {
    session.tasks().tryFork(channel.label() + " deadline", () -> ChannelDispatcher.closeQuietly(channel));
  }

  private String late() {
    return "none within " + deadline.toMillis() + " ms";
  }
}
