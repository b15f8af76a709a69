package et.core.resume;

import et.core.transport.ConnectAttempt;
import et.core.transport.Transport;
import et.core.task.Deadline;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.tinylog.Logger;

/**
 * Client side: dials the server and runs the handshake, retrying with capped exponential backoff
 * (first retry after {@link #FIRST_RETRY}, doubling to {@link #MAX_RETRY}) until it resumes, is
 * refused with the server's proof, or a limit passes: the disconnect limit, or the refusal limit
 * when every attempt since the first unproven refusal was refused.
 */
public final class Dialer {
  static final Duration FIRST_RETRY = Duration.ofMillis(50);
  static final Duration MAX_RETRY = Duration.ofSeconds(1);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Transport transport;
  /** Names this client stream to the server, which binds the session to the first it sees. */
  private final byte[] clientInstance = new byte[Handshake.CLIENT_INSTANCE_BYTES];

  /**
   * A dialer for one client stream that opens each connection with {@code transport} (asked anew
   * before every attempt, so a changed address or route is followed).
   */
  public Dialer(Transport transport) {
    this.transport = transport;
    RANDOM.nextBytes(clientInstance);
  }

  /** A dialer over plain TCP to {@code address}. */
  public Dialer(Supplier<InetSocketAddress> address) {
    this(Transport.tcp(address));
  }

  /** Dials once and runs the handshake; for the first connection and for each retry. */
  Connection dialOnce(byte[] sessionId, byte[] secret, long received, Liveness liveness)
      throws IOException {
    ConnectAttempt attempt = new ConnectAttempt();
    // Open and handshake together: the deadline closes the attempt, which ends either.
    Deadline deadline = Deadline.closeAfter(attempt, liveness.handshakeTimeout());
    try {
      ByteChannel channel = transport.open(attempt);
      return Handshake.client(channel, sessionId, secret, clientInstance, received, name(channel));
    } catch (IOException | RuntimeException e) {
      attempt.close();
      if (e instanceof IOException && !(e instanceof RefusedException) && deadline.passed()) {
        throw new SocketTimeoutException("no answer within " + liveness.handshakeTimeout().toMillis() + " ms");
      }
      throw e;
    } finally {
      deadline.close();
    }
  }

  /** The connection's name in logs: where its socket goes, and the transport when it is not plain TCP. */
  private String name(ByteChannel channel) {
    String via = transport.toString();
    try {
      if (channel instanceof SocketChannel socket) {
        String to = "connection to " + socket.getRemoteAddress();
        return via.equals(Transport.TCP_NAME) ? to : to + " via " + via;
      }
    } catch (IOException closed) {
      // named by the transport alone
    }
    return "connection via " + via;
  }

  /** Connections for one session: {@code first}, then fresh dials. */
  ConnectionSource source(byte[] sessionId, byte[] secret, Liveness liveness, Connection first) {
    return new ConnectionSource() {
      private volatile boolean closed;
      private volatile Thread dialing;
      private volatile RefusalStreak refusals;
      private volatile String lastFailure;
      private Connection unused = first;

      @Override
      public Connection next(long received, Instant giveUpAt)
          throws IOException, InterruptedException {
        dialing = Thread.currentThread();
        try {
          return dial(received, giveUpAt);
        } finally {
          dialing = null; // close() interrupts only while we dial or back off
        }
      }

      private Connection dial(long received, Instant giveUpAt)
          throws IOException, InterruptedException {
        if (unused != null) {
          Connection connection = unused;
          unused = null;
          return connection;
        }
        Duration backoff = FIRST_RETRY;
        int attempts = 0;
        while (true) {
          if (closed) {
            throw new StreamExpiredException("session ended while reconnecting");
          }
          try {
            Connection connection = dialOnce(sessionId, secret, received, liveness);
            refusals = null;
            lastFailure = null;
            return connection;
          } catch (RefusedException e) {
            if (e.vouched()) {
              throw e;
            }
            attempts++;
            lastFailure = e.getMessage();
            countRefusal(e, attempts);
          } catch (IOException e) {
            refusals = null; // a refusal streak is broken by anything else: an outage, say
            lastFailure = e instanceof UnknownHostException ? "cannot resolve " + e.getMessage() : e.getMessage();
            attempts++;
            if (attempts == 1 || attempts % 10 == 0) {
              Logger.info("reconnect attempt {} failed: {}", attempts, e.toString());
            }
          }
          if (Instant.now().plus(backoff).isAfter(giveUpAt)) {
            throw new StreamExpiredException(
                "could not reconnect within the disconnect limit (" + attempts + " attempts)");
          }
          Thread.sleep(backoff);
          backoff = backoff.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : backoff.multipliedBy(2);
        }
      }

      /**
       * Notes an unproven refusal: anyone on the path can send one, so it ends the session only
       * once the refusals have lasted the refusal limit.
       */
      private void countRefusal(RefusedException refused, int attempts) throws RefusedException {
        Instant now = Instant.now();
        RefusalStreak streak = refusals;
        if (streak == null) {
          streak = new RefusalStreak(refused.getMessage(), now, now.plus(liveness.refusalLimit()));
          refusals = streak;
          // Info, not warn: a client shows it on its status line; a warning would land on its screen.
          Logger.info("reconnect attempt {} refused without proof that the server knows the session "
              + "(forged, or the server lost it); giving up at {} unless it answers", attempts, streak.giveUpAt());
        } else if (attempts % 10 == 0) {
          Logger.info("reconnect attempt {} refused: {}", attempts, refused.getMessage());
        }
        if (!now.isBefore(streak.giveUpAt())) {
          throw new RefusedException(refused.refusal(), false,
              "every reconnection refused for " + liveness.refusalLimit().toSeconds() + " s without proof that "
                  + "the server knows the session (its session host restarted, or someone on the path "
                  + "refuses for it): " + refused.refusal().text);
        }
      }

      @Override
      public RefusalStreak refusalStreak() {
        return refusals;
      }

      @Override
      public String lastFailure() {
        return lastFailure;
      }

      @Override
      public void close() {
        closed = true;
        Thread thread = dialing;
        if (thread != null) {
          thread.interrupt();
        }
      }
    };
  }
}
