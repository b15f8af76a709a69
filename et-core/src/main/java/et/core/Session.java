package et.core;

import et.core.channel.ChannelEnd;
import et.core.channel.Multiplexer;
import et.core.resume.FatalStreamException;
import et.core.resume.Handshake;
import et.core.resume.RefusalStreak;
import et.core.resume.ResumableStream;
import et.core.resume.StreamEnd;
import et.core.resume.StreamListener;
import et.core.task.TaskGroup;
import et.core.wire.FrameType;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.tinylog.Logger;

/**
 * One end of an Eternal TCP session: a resumable, encrypted stream carrying any number of
 * channels. It lives across dropped connections until either side closes it or it stays
 * disconnected past {@link SessionOptions#disconnectLimit()}.
 *
 * <p>The session is a {@link TaskGroup} ({@link #tasks()}): its one task of et.core's own takes
 * connection after connection (the server's reconnect-listen, the client's reconnect), each
 * running as an inner scope of socket-read, socket-write and keepalive; the application forks its
 * channel handlers into the same group. Once the session has ended the group takes no new task,
 * and it ends when its tasks have returned (their channels end with the session).
 *
 * <p>States: {@code CONNECTING → CONNECTED ⇄ DISCONNECTED → ENDED}. All methods are thread-safe.
 */
public final class Session implements AutoCloseable {
  private final SessionCredentials credentials;
  private final ResumableStream stream;
  private final Multiplexer mux;
  private final SessionOptions options;
  private final Consumer<SessionEnd> onEnd;
  private final TaskGroup tasks;
  private volatile SessionEnd end;
  /** Server side: the remote address of the latest connection that proved the secret; null before one. */
  private volatile InetSocketAddress latestPeer;
  private final CompletableFuture<SessionEnd> ended = new CompletableFuture<>();

  private Session(
      SessionCredentials credentials,
      ResumableStream stream,
      boolean clientSide,
      SessionOptions options,
      Consumer<SessionEnd> onEnd,
      TaskGroup tasks) {
    this.credentials = credentials;
    this.tasks = tasks;
    this.stream = stream;
    this.options = options;
    this.onEnd = onEnd;
    this.mux = new Multiplexer(stream, clientSide, options.channelWindowBytes());
    stream.setListener(new Listener());
  }

  /**
   * Starts a session whose task group is a child of {@code parent}, or the root of a tree of its
   * own when {@code parent} is null.
   */
  static Session start(
      SessionCredentials credentials,
      ResumableStream stream,
      boolean clientSide,
      SessionOptions options,
      Consumer<SessionEnd> onEnd,
      TaskGroup parent) {
    TaskGroup tasks = parent == null ? TaskGroup.startRoot(stream.name()) : parent.forkGroup(stream.name());
    Session session = new Session(credentials, stream, clientSide, options, onEnd, tasks);
    tasks.fork(clientSide ? "reconnect" : "reconnect-listen", session::runStream);
    return session;
  }

  private void runStream() throws InterruptedException {
    try {
      stream.run();
    } catch (RuntimeException | Error e) {
      Logger.error(e, "{}: failed", stream.name());
      stream.finish(StreamEnd.of(StreamEnd.Cause.FAILED, "internal error: " + e));
    } finally {
      tasks.close();
    }
  }

  public SessionId id() {
    return credentials.id();
  }

  /**
   * The session's task group: fork channel handlers here. It takes tasks until the session has
   * ended, and ends once they have returned.
   */
  public TaskGroup tasks() {
    return tasks;
  }

  /** The id and secret; the server hands them to its client over the bootstrap channel. */
  public SessionCredentials credentials() {
    return credentials;
  }

  /** Opens a channel; the peer gets it from {@link #acceptChannel}. Label: at most 256 bytes. */
  public Channel openChannel(String label) throws IOException {
    try {
      return new Channel(mux.open(label));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while opening a channel");
    }
  }

  /** The next channel the peer opens, waiting up to {@code timeout}; null on timeout or end. */
  public Channel acceptChannel(Duration timeout) throws InterruptedException {
    ChannelEnd channel = mux.accept(timeout);
    return channel == null ? null : new Channel(channel);
  }

  /**
   * Closes the session in order: the peer learns {@code exitStatus} and {@code reason} after every
   * byte sent before, even across reconnects. Returns at once; {@link #awaitEnd} waits.
   */
  public void close(int exitStatus, String reason) throws IOException {
    if (end != null) {
      return;
    }
    try {
      stream.close(exitStatus, reason);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while closing the session");
    }
  }

  /**
   * Closes with status 0 and waits up to the handshake timeout for the peer's acknowledgement,
   * then ends regardless.
   */
  @Override
  public void close() {
    try {
      close(0, "closed");
      if (!awaitEnd(options.handshakeTimeout())) {
        stream.finishClosed("closed without acknowledgement");
      }
    } catch (IOException e) {
      stream.finishClosed("closed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stream.finishClosed("closed (interrupted)");
    }
  }

  /** Waits until the session has ended, however long that takes; returns how it ended. */
  public SessionEnd awaitEnd() throws InterruptedException {
    try {
      return ended.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("the end is never a failure", e);
    }
  }

  /** Waits until the session has ended; true if it did within {@code timeout}. */
  public boolean awaitEnd(Duration timeout) throws InterruptedException {
    return stream.awaitEnd(timeout);
  }

  /** How the session ended, or null while it lives. */
  public SessionEnd end() {
    return end;
  }

  /** Completes with how the session ended, once it has (for code that waits on several things). */
  public CompletableFuture<SessionEnd> whenEnded() {
    return ended.copy();
  }

  public SessionState state() {
    return switch (stream.state()) {
      case CONNECTING -> SessionState.CONNECTING;
      case CONNECTED -> SessionState.CONNECTED;
      case DISCONNECTED -> SessionState.DISCONNECTED;
      case ENDED -> SessionState.ENDED;
    };
  }

  /**
   * Client side, while reconnecting: the refusals without proof that every attempt has met lately
   * (forged by someone on the path, or the server lost the session); empty otherwise.
   */
  public Optional<UnprovenRefusals> unprovenRefusals() {
    RefusalStreak streak = stream.refusalStreak();
    return streak == null
        ? Optional.empty()
        : Optional.of(new UnprovenRefusals(streak.reason(), streak.since(), streak.giveUpAt()));
  }

  /**
   * Client side, while reconnecting: why the latest attempt failed ("Connection refused", no
   * answer within the handshake timeout, …); empty before the first failure and once connected
   * again.
   */
  public Optional<String> reconnectFailure() {
    return Optional.ofNullable(stream.lastReconnectFailure());
  }

  /** How many connections the session has had: 1 plus the reconnects. */
  public long connections() {
    return stream.connections();
  }

  /** The latest keepalive round trip, or null before the first. */
  public Duration roundTrip() {
    return stream.roundTrip();
  }

  /** Sealed bytes kept for replay until the peer acknowledges them. */
  public long backlogBytes() {
    return stream.backlogBytes();
  }

  /** Stream frames sent and received so far, both ways: unchanged while nothing but keepalives moves. */
  public long framesMoved() {
    return stream.framesMoved();
  }

  /**
   * When this end last heard from its peer, to within the keepalive's dead-after time: now while
   * connected (a connection is dropped once its peer falls silent that long), else when the last
   * connection ended; empty when the peer has never connected.
   */
  public Optional<Instant> lastContact() {
    if (connections() == 0) {
      return Optional.empty();
    }
    Instant lost = stream.disconnectedSince();
    return Optional.of(lost == null ? Instant.now() : lost);
  }

  /**
   * Server side: the remote address of the client's connection while connected; empty while
   * disconnected, and always on the client side.
   */
  public Optional<InetSocketAddress> peerAddress() {
    InetSocketAddress peer = latestPeer;
    return state() == SessionState.CONNECTED ? Optional.ofNullable(peer) : Optional.empty();
  }

  @Override
  public String toString() {
    return stream.name();
  }

  /**
   * Server side: a connection that proved the secret takes over from the current one; {@code
   * peer} is its remote address, as the accept loop read it.
   */
  void offer(Handshake.PendingConnection pending, InetSocketAddress peer) {
    latestPeer = peer;
    stream.offer(pending);
  }

  /** Server side: whether {@code pending} comes from the client this session belongs to. */
  boolean belongsHere(Handshake.PendingConnection pending) {
    return stream.belongsHere(pending);
  }

  /**
   * Ends the session now, without waiting for the peer: after {@link #close(int, String)}, when the
   * peer is away or slow to acknowledge. A peer that comes back is refused as ended.
   */
  public void terminate(String reason) {
    stream.finishClosed(reason);
  }

  private final class Listener implements StreamListener {
    @Override
    public void deliver(FrameType type, int channel, byte[] payload) throws FatalStreamException {
      mux.deliver(type, channel, payload);
    }

    @Override
    public void ended(StreamEnd streamEnd) {
      SessionEnd.Cause cause =
          switch (streamEnd.cause()) {
            case CLOSED -> SessionEnd.Cause.CLOSED_LOCALLY;
            case CLOSED_BY_PEER -> SessionEnd.Cause.CLOSED_BY_PEER;
            case EXPIRED -> SessionEnd.Cause.EXPIRED;
            case REFUSED -> SessionEnd.Cause.REFUSED;
            case FAILED -> SessionEnd.Cause.FAILED;
          };
      SessionEnd sessionEnd = new SessionEnd(cause, streamEnd.exitStatus(), streamEnd.reason());
      end = sessionEnd;
      mux.endAll(sessionEnd.orderly() ? null : new IOException("session ended: " + sessionEnd.reason()));
      onEnd.accept(sessionEnd);
      ended.complete(sessionEnd);
    }
  }
}
