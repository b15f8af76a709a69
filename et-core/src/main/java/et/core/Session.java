package et.core;

import et.core.channel.ChannelEnd;
import et.core.channel.Multiplexer;
import et.core.resume.FatalStreamException;
import et.core.resume.Handshake;
import et.core.resume.ResumableStream;
import et.core.resume.StreamEnd;
import et.core.resume.StreamListener;
import et.core.wire.FrameType;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.StructuredTaskScope;
import java.util.function.Consumer;
import org.tinylog.Logger;

/**
 * One end of an Eternal TCP session: a resumable, encrypted stream carrying any number of
 * channels. It lives across dropped connections until either side closes it or it stays
 * disconnected past {@link SessionOptions#disconnectLimit()}.
 *
 * <p>The session runs as a StructuredTaskScope on its own virtual thread; its one long-lived
 * subtask takes connection after connection (the server's reconnect-listen, the client's
 * reconnect), each running as an inner scope of socket-read, socket-write and keepalive.
 *
 * <p>States: {@code CONNECTING → CONNECTED ⇄ DISCONNECTED → ENDED}. All methods are thread-safe.
 */
public final class Session implements AutoCloseable {
  private final SessionCredentials credentials;
  private final ResumableStream stream;
  private final Multiplexer mux;
  private final SessionOptions options;
  private final Consumer<SessionEnd> onEnd;
  private volatile SessionEnd end;
  private volatile int localExitStatus;
  private volatile int peerExitStatus;
  private volatile String peerReason;

  private Session(
      SessionCredentials credentials,
      ResumableStream stream,
      boolean clientSide,
      SessionOptions options,
      Consumer<SessionEnd> onEnd) {
    this.credentials = credentials;
    this.stream = stream;
    this.options = options;
    this.onEnd = onEnd;
    this.mux = new Multiplexer(stream, clientSide, options.channelWindowBytes());
    stream.setListener(new Listener());
  }

  static Session start(
      SessionCredentials credentials,
      ResumableStream stream,
      boolean clientSide,
      SessionOptions options,
      Consumer<SessionEnd> onEnd) {
    Session session = new Session(credentials, stream, clientSide, options, onEnd);
    String role = clientSide ? "reconnect" : "reconnect-listen";
    Thread.ofVirtual().name(stream.name()).start(() -> session.runScope(role));
    return session;
  }

  private void runScope(String role) {
    try (var scope = StructuredTaskScope.open()) {
      scope.fork(
          () -> {
            Thread.currentThread().setName(stream.name() + " " + role);
            return stream.run();
          });
      scope.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (StructuredTaskScope.FailedException e) {
      Logger.error(e.getCause(), "{}: failed", stream.name());
      stream.finish(new StreamEnd(StreamEnd.Cause.FAILED, "internal error: " + e.getCause()));
    }
  }

  public SessionId id() {
    return credentials.id();
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
    byte[] reasonBytes = reason.getBytes(StandardCharsets.UTF_8);
    if (reasonBytes.length > FrameType.MAX_REASON_BYTES) {
      reasonBytes = Arrays.copyOf(reasonBytes, FrameType.MAX_REASON_BYTES);
    }
    localExitStatus = exitStatus;
    ByteBuffer payload = ByteBuffer.allocate(4 + reasonBytes.length).putInt(exitStatus).put(reasonBytes);
    try {
      stream.send(FrameType.SESSION_CLOSE, 0, payload.array());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while closing the session");
    }
    stream.endWhenAcknowledged();
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
        stream.finish(new StreamEnd(StreamEnd.Cause.CLOSED, "closed without acknowledgement"));
      }
    } catch (IOException e) {
      stream.finish(new StreamEnd(StreamEnd.Cause.CLOSED, "closed: " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stream.finish(new StreamEnd(StreamEnd.Cause.CLOSED, "closed (interrupted)"));
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

  public SessionState state() {
    return switch (stream.state()) {
      case CONNECTING -> SessionState.CONNECTING;
      case CONNECTED -> SessionState.CONNECTED;
      case DISCONNECTED -> SessionState.DISCONNECTED;
      case ENDED -> SessionState.ENDED;
    };
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

  @Override
  public String toString() {
    return stream.name();
  }

  /** Server side: a connection that proved the secret takes over from the current one. */
  void offer(Handshake.PendingConnection pending) {
    stream.offer(pending);
  }

  /** Server side: whether {@code pending} comes from the client this session belongs to. */
  boolean belongsHere(Handshake.PendingConnection pending) {
    return stream.belongsHere(pending);
  }

  /** Ends the session now, without waiting for the peer. */
  void terminate(String reason) {
    stream.finish(new StreamEnd(StreamEnd.Cause.CLOSED, reason));
  }

  private final class Listener implements StreamListener {
    @Override
    public void deliver(FrameType type, int channel, byte[] payload) throws FatalStreamException {
      if (type == FrameType.SESSION_CLOSE) {
        ByteBuffer buffer = ByteBuffer.wrap(payload);
        peerExitStatus = buffer.getInt();
        peerReason = StandardCharsets.UTF_8.decode(buffer).toString();
        stream.finishAfterAck();
        return;
      }
      mux.deliver(type, channel, payload);
    }

    @Override
    public void ended(StreamEnd streamEnd) {
      SessionEnd sessionEnd =
          switch (streamEnd.cause()) {
            case CLOSED -> new SessionEnd(SessionEnd.Cause.CLOSED_LOCALLY, localExitStatus, streamEnd.reason());
            case CLOSED_BY_PEER ->
                new SessionEnd(SessionEnd.Cause.CLOSED_BY_PEER, peerExitStatus, peerReason);
            case EXPIRED -> new SessionEnd(SessionEnd.Cause.EXPIRED, 0, streamEnd.reason());
            case REFUSED -> new SessionEnd(SessionEnd.Cause.REFUSED, 0, streamEnd.reason());
            case FAILED -> new SessionEnd(SessionEnd.Cause.FAILED, 0, streamEnd.reason());
          };
      end = sessionEnd;
      mux.endAll(sessionEnd.orderly() ? null : new IOException("session ended: " + sessionEnd.reason()));
      onEnd.accept(sessionEnd);
    }
  }
}
