package et.core.relay;

import et.core.crypto.KeySchedule;
import et.core.crypto.RefusalProof;
import et.core.crypto.RelayProof;
import et.core.resume.Handshake;
import et.core.resume.Refusal;
import et.core.task.Deadline;
import et.core.task.TaskGroup;
import et.core.transport.SendQueueLimit;
import et.core.wire.Frame;
import et.core.wire.FrameReader;
import et.core.wire.ProtocolException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.tinylog.Logger;

/**
 * The relay of one host, reached on the host's et port: a client that proves a grant this host
 * made ({@link RelayHandshake}) is connected to a destination the grant covers and the {@link
 * RelayPolicy} permits, and its bytes are spliced there ({@link Splice}). It holds relay grants
 * only: it is given no session, secret or key, so whatever it carries stays sealed to it.
 *
 * <p>Refusals: an unknown grant gets the answer an unknown session gets (REFUSE, no proof), then
 * an exception as for garbage; a wrong tag or malformed message is garbage (an exception: the
 * caller closes the socket and logs it with the strangers, rate-limited);
 * a proven client gets FORBIDDEN, UNREACHABLE, CLOSED or BUSY with the reason. At most {@link #MAX_SPLICES}
 * paths at once.
 *
 * <p>Threads: {@link #open} runs on the caller's handshake task; {@link #splice} forks into the
 * group it is given. {@code busy} is told when a path opens (it may refuse: the host is exiting)
 * and when it closes, so a host that relays is not idle.
 */
public final class Relay {
  static final int MAX_SPLICES = 256;
  /**
   * How long connecting to the next hop may take: well inside the handshake deadlines (the relay's
   * and the client's), so a next hop that does not answer is reported as UNREACHABLE, not as a
   * relay that went silent.
   */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

  /** Told when a relayed path opens and closes. */
  public interface Busy {
    /** A path opens; false refuses it. */
    boolean enter();

    void leave();
  }

  private final RelayGrants grants;
  private final RelayPolicy policy;
  private final Busy busy;
  private final AtomicInteger splices = new AtomicInteger();

  public Relay(RelayGrants grants, RelayPolicy policy, Busy busy) {
    this.grants = grants;
    this.policy = policy;
    this.busy = busy;
  }

  /** A proven client's socket and the destination it is connected to under {@code grant}, ready to splice. */
  public record Path(SocketChannel client, SocketChannel destination, String name, RelayGrant grant) {}

  /**
   * Runs the relay's side of the handshake after the client's RELAY_HELLO {@code hello}; returns
   * the connected path, or empty when the proven client was refused with an answer (logged here).
   *
   * @throws IOException for garbage, a wrong tag, or a failed socket: the caller closes and logs
   */
  public Optional<Path> open(SocketChannel client, FrameReader reader, Frame hello, String peer) throws IOException {
    RelayHandshake.Hello said = RelayHandshake.hello(hello);
    Optional<RelayGrant> found = grants.find(said.grantId());
    if (found.isEmpty()) {
      Handshake.refuse(client, Refusal.NO_SESSION, RefusalProof.none());
      // Anyone can cause this: the caller logs it with the strangers, rate-limited.
      throw new IOException("refused: no such relay grant");
    }
    RelayGrant grant = found.get();
    byte[] relayNonce = RelayHandshake.challenge(client);
    RelayHandshake.Request request = RelayHandshake.request(reader);
    byte[] relayKey = KeySchedule.relayKey(grant.credentials().secret(), said.clientNonce(), relayNonce);
    byte[] id = grant.credentials().id().bytes();
    if (!RelayProof.matches(request.tag(), RelayProof.request(relayKey, id, request.host(), request.port()))) {
      throw new ProtocolException("client failed to prove " + grant);
    }
    grants.used(grant);
    String to = request.host() + ":" + request.port();
    if (!grant.covers(request.host()) || !policy.permits(request.host(), request.port())) {
      Logger.info("relay refused {} ({}) the destination {}", peer, grant, to);
      RelayHandshake.answer(client, relayKey, RelayAnswer.FORBIDDEN, to);
      return Optional.empty();
    }
    if (splices.incrementAndGet() > MAX_SPLICES || !busy.enter()) {
      splices.decrementAndGet();
      Logger.warn("relay refused {} ({}): busy or exiting", peer, grant);
      RelayHandshake.answer(client, relayKey, RelayAnswer.BUSY, "");
      return Optional.empty();
    }
    SocketChannel destination;
    try {
      destination = connect(request.host(), request.port());
    } catch (IOException e) {
      leave(); // before the answer: whoever learns of the refusal finds the path gone
      Logger.info("relay for {} ({}) cannot reach {}: {}", peer, grant, to, e.getMessage());
      // A refused connection is told apart: the client then renews the next relay's grant.
      RelayAnswer answer = e instanceof ConnectException ? RelayAnswer.CLOSED : RelayAnswer.UNREACHABLE;
      RelayHandshake.answer(client, relayKey, answer, to + ": " + e.getMessage());
      return Optional.empty();
    }
    try {
      RelayHandshake.answer(client, relayKey, RelayAnswer.CONNECTED, "");
    } catch (IOException e) {
      destination.close();
      leave();
      throw e;
    }
    Logger.info("relay connected {} ({}) to {}", peer, grant, to);
    grants.pathOpened(grant);
    return Optional.of(new Path(client, destination, "relay " + peer + " -> " + to, grant));
  }

  /** Splices {@code path} in {@code tasks} until either side ends. */
  public void splice(Path path, TaskGroup tasks) {
    SendQueueLimit.apply(path.client());
    SendQueueLimit.apply(path.destination());
    Splice.start(path.client(), path.destination(), path.name(), tasks, () -> {
      grants.pathClosed(path.grant());
      leave();
    });
  }

  /** Gives up {@code path} before it is spliced (the handshake's deadline passed): closes it and frees its place. */
  public void abandon(Path path) {
    try {
      path.destination().close();
    } catch (IOException e) {
      Logger.debug("{}: {}", path.name(), e.getMessage());
    }
    grants.pathClosed(path.grant());
    leave();
  }

  private void leave() {
    splices.decrementAndGet();
    busy.leave();
  }

  private static SocketChannel connect(String host, int port) throws IOException {
    SocketChannel socket = SocketChannel.open();
    Deadline deadline = Deadline.closeAfter(socket, CONNECT_TIMEOUT);
    try (deadline) {
      socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
      socket.connect(new InetSocketAddress(host, port));
      return socket;
    } catch (UnresolvedAddressException e) {
      socket.close();
      throw new IOException("cannot resolve " + host);
    } catch (IOException | RuntimeException e) {
      socket.close();
      if (deadline.passed()) {
        throw new IOException("no answer within " + CONNECT_TIMEOUT.toSeconds() + " s", e);
      }
      throw e;
    }
  }
}
