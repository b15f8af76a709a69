package et.core;

import et.core.crypto.KeySchedule;
import et.core.crypto.RefusalProof;
import et.core.relay.Relay;
import et.core.resume.Handshake;
import et.core.resume.LifecycleLog;
import et.core.resume.Refusal;
import et.core.resume.ResumableStream;
import et.core.task.Deadline;
import et.core.task.TaskGroup;
import et.core.wire.Frame;
import et.core.wire.FrameReader;
import et.core.wire.FrameType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.tinylog.Logger;

/**
 * Accepts connections for the sessions it made with {@link #newSession()}. Every connection must
 * authenticate against its session's secret before it may touch that session; failures end only
 * that connection and are logged with their reason.
 *
 * <p>Tasks (one {@link TaskGroup}, "et-server :PORT"): "accept"; a "handshake" per connection,
 * which then hands it to its session (or, for a RELAY_HELLO, to the {@link Relay}, whose paths
 * are two tasks each); and each session's own group as a child.
 */
public final class EternalServer implements AutoCloseable {
  /** Handshakes in progress at once; a newcomer beyond displaces the oldest ({@link PendingHandshakes}). */
  static final int MAX_PENDING_HANDSHAKES = 256;
  /** Handshakes in progress at once from one source address. */
  static final int PENDING_HANDSHAKES_PER_SOURCE = 32;
  /** The client's first frame (HELLO) must arrive whole this soon; an honest client sends it at once. */
  static final Duration FIRST_FRAME_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration ACCEPT_FIRST_BACKOFF = Duration.ofMillis(10);
  private static final Duration ACCEPT_MAX_BACKOFF = Duration.ofSeconds(1);
  /** Ended sessions whose refusals the server can still vouch for. */
  private static final int ENDED_IDS_REMEMBERED = 65_536;

  private final ServerSocketChannel listener;
  private final int port;
  private final SessionOptions options;
  private final Map<SessionId, Session> sessions = new ConcurrentHashMap<>();
  /** The refusal keys of ended sessions, so that a late client's refusal can be vouched for. */
  private final Map<SessionId, byte[]> endedRefusalKeys =
      Collections.synchronizedMap(
          new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<SessionId, byte[]> eldest) {
              return size() > ENDED_IDS_REMEMBERED;
            }
          });
  /** Relays for clients that prove a relay grant; null: a RELAY_HELLO is garbage here. */
  private final Relay relay;
  private final PendingHandshakes pendingHandshakes =
      new PendingHandshakes(MAX_PENDING_HANDSHAKES, PENDING_HANDSHAKES_PER_SOURCE);
  private final TaskGroup tasks;
  private final LifecycleLog lifecycle = LifecycleLog.here();
  /** Lines about peers that proved nothing: rate-limited, since anyone who reaches the port causes them. */
  private final HandshakeLog strangers = new HandshakeLog(lifecycle, System::nanoTime);

  private EternalServer(ServerSocketChannel listener, SessionOptions options, TaskGroup parent, Relay relay)
      throws IOException {
    this.listener = listener;
    this.relay = relay;
    this.port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
    this.options = options;
    String name = "et-server :" + port;
    this.tasks = parent == null ? TaskGroup.startRoot(name) : parent.forkGroup(name);
    tasks.fork("accept", this::acceptLoop);
  }

  /** Listens on {@code address} (port 0 picks a free one); its tasks form a tree of their own. */
  public static EternalServer start(InetSocketAddress address, SessionOptions options)
      throws IOException {
    return start(address, options, null);
  }

  /** As above, with the server's task group a child of {@code parent}. */
  public static EternalServer start(InetSocketAddress address, SessionOptions options, TaskGroup parent)
      throws IOException {
    return start(address, options, parent, null);
  }

  /** As above; clients that prove a grant of {@code relay} (null: none) are relayed by it. */
  public static EternalServer start(InetSocketAddress address, SessionOptions options, TaskGroup parent, Relay relay)
      throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open();
    try {
      listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      listener.bind(address, 1024);
      return new EternalServer(listener, options, parent, relay);
    } catch (IOException | RuntimeException e) {
      listener.close();
      throw e;
    }
  }

  /** The port it listens on. */
  public int port() {
    return port;
  }

  /** Makes a session with fresh credentials; it waits for its client to connect. */
  public Session newSession() {
    SessionCredentials credentials = SessionCredentials.generate();
    ResumableStream stream =
        ResumableStream.server(
            credentials.id().bytes(),
            credentials.secret(),
            options.liveness(),
            options.connectionThreads().readerFactory());
    Session session =
        Session.start(
            credentials,
            stream,
            false,
            options,
            end -> {
              endedRefusalKeys.put(credentials.id(), refusalKey(credentials));
              sessions.remove(credentials.id());
            },
            tasks);
    sessions.put(credentials.id(), session);
    return session;
  }

  /** Sessions alive now. */
  public int sessionCount() {
    return sessions.size();
  }

  private void acceptLoop() throws InterruptedException {
    Duration backoff = ACCEPT_FIRST_BACKOFF;
    while (listener.isOpen()) {
      SocketChannel socket;
      try {
        socket = listener.accept();
        backoff = ACCEPT_FIRST_BACKOFF;
      } catch (IOException e) {
        if (listener.isOpen()) {
          // Out of descriptors, say: wait rather than spin (and log) until the cause goes away.
          Logger.warn("accept failed: {}; trying again in {} ms", e.getMessage(), backoff.toMillis());
          Thread.sleep(backoff);
          backoff = backoff.multipliedBy(2).compareTo(ACCEPT_MAX_BACKOFF) > 0 ? ACCEPT_MAX_BACKOFF : backoff.multipliedBy(2);
        }
        continue;
      }
      if (!(remoteAddress(socket) instanceof InetSocketAddress peer)) {
        closeQuietly(socket); // gone already
        continue;
      }
      pendingHandshakes.admit(socket, peer.getAddress()).ifPresent(oldest -> {
        Logger.debug("closed the oldest pending handshake, from {}, to admit {}", remoteAddress(oldest), peer);
        closeQuietly(oldest);
      });
      boolean forked = tasks.tryFork(
          "handshake " + peer,
          () -> {
            try {
              handshake(socket, peer);
            } finally {
              pendingHandshakes.finished(socket);
            }
          });
      if (!forked) { // closing
        pendingHandshakes.finished(socket);
        closeQuietly(socket);
      }
    }
  }

  private void handshake(SocketChannel socket, InetSocketAddress from) {
    InetAddress source = from.getAddress();
    String peer = from.toString();
    long start = System.nanoTime();
    // Deadlines for the first frame and for the whole handshake: per-read timeouts alone a peer
    // could reset forever.
    Duration firstFrameLimit = FIRST_FRAME_TIMEOUT.compareTo(options.handshakeTimeout()) < 0
        ? FIRST_FRAME_TIMEOUT : options.handshakeTimeout();
    Deadline firstFrame = Deadline.closeAfter(socket, firstFrameLimit);
    Deadline deadline = null;
    try {
      socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
      FrameReader reader = new FrameReader(socket);
      Frame first = reader.read();
      if (!firstFrame.cancel()) {
        throw new IOException("first frame took longer than " + firstFrameLimit.toMillis() + " ms");
      }
      Duration left = options.handshakeTimeout().minusNanos(System.nanoTime() - start);
      deadline = Deadline.closeAfter(socket, left.isPositive() ? left : Duration.ofMillis(1));
      if (first.type() == FrameType.RELAY_HELLO && relay != null) {
        relay(socket, reader, first, peer, deadline);
        return;
      }
      Handshake.Hello hello = Handshake.hello(socket, first);
      SessionId id = SessionId.of(hello.sessionId());
      Session session = sessions.get(id);
      if (session == null) {
        byte[] endedKey = endedRefusalKeys.get(id);
        strangers.log(source, "refused {} for session {}: {}", peer, shortId(id),
            endedKey != null ? "the session has ended" : "no such session");
        byte[] proof = endedKey != null
            ? RefusalProof.of(endedKey, Refusal.NO_SESSION.code, hello.clientNonce())
            : RefusalProof.none();
        Handshake.refuse(socket, Refusal.NO_SESSION, proof);
        closeQuietly(socket);
        return;
      }
      String name = "connection from " + peer;
      Handshake.PendingConnection pending =
          Handshake.challenge(socket, reader, hello, session.credentials().secret(), name);
      if (!deadline.cancel()) {
        throw new IOException("handshake took longer than " + options.handshakeTimeout());
      }
      if (!session.belongsHere(pending)) {
        Logger.warn(
            "refused {} for session {}: {}", peer, shortId(id), Refusal.OTHER_CLIENT.text);
        Handshake.refuse(socket, Refusal.OTHER_CLIENT,
            RefusalProof.of(refusalKey(session.credentials()), Refusal.OTHER_CLIENT.code, hello.clientNonce()));
        closeQuietly(socket);
        return;
      }
      pendingHandshakes.finished(socket); // authenticated: no newcomer may displace it now
      session.offer(pending, from);
    } catch (IOException e) {
      // When a deadline or an eviction closed the socket, the read only says it was closed: say why.
      String reason =
          firstFrame.passed()
              ? "first frame took longer than " + firstFrameLimit.toMillis() + " ms"
              : deadline != null && deadline.passed()
              ? "handshake took longer than " + options.handshakeTimeout().toMillis() + " ms"
              : !pendingHandshakes.isPending(socket)
              ? "closed to admit newer handshakes"
              : e.getMessage();
      strangers.log(source, "handshake from {} failed: {}", peer, reason);
      closeQuietly(socket);
    } finally {
      firstFrame.close();
      if (deadline != null) {
        deadline.close();
      }
    }
  }

  /**
   * Hands a RELAY_HELLO to the relay, which never sees {@link #sessions}: only the socket and what
   * the client sent. A proven path is spliced as two tasks of this server's group.
   */
  private void relay(SocketChannel socket, FrameReader reader, Frame hello, String peer, Deadline deadline)
      throws IOException {
    Optional<Relay.Path> path = relay.open(socket, reader, hello, peer);
    if (path.isEmpty()) {
      closeQuietly(socket);
      return;
    }
    if (!deadline.cancel()) {
      relay.abandon(path.get());
      throw new IOException("relay handshake took longer than " + options.handshakeTimeout().toMillis() + " ms");
    }
    pendingHandshakes.finished(socket); // proven: no newcomer may displace it now
    relay.splice(path.get(), tasks);
  }

  private static byte[] refusalKey(SessionCredentials credentials) {
    return KeySchedule.refusalKey(credentials.secret(), credentials.id().bytes());
  }

  private static String shortId(SessionId id) {
    return id.toString().substring(0, 4);
  }

  /** The peer's address, or null when the socket has closed already. */
  private static SocketAddress remoteAddress(SocketChannel socket) {
    try {
      return socket.getRemoteAddress();
    } catch (IOException closed) {
      return null;
    }
  }

  private static void closeQuietly(SocketChannel socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // the socket is being dropped either way
    }
  }

  /** The server's task group: its tasks and its sessions' groups. */
  public TaskGroup tasks() {
    return tasks;
  }

  /**
   * Stops listening and ends every session; the server's group ends once the sessions' tasks have
   * returned ({@link TaskGroup#awaitEnd}).
   */
  @Override
  public void close() {
    strangers.flush();
    try {
      listener.close();
    } catch (IOException ignored) {
      // already closed
    }
    tasks.close();
    for (Session session : List.copyOf(sessions.values())) {
      session.terminate("server shut down");
    }
  }
}
