package et.core;

import et.core.resume.Liveness;
import et.core.wire.FrameType;
import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of a session, the same on both ends.
 *
 * @param keepaliveInterval how often each side pings its connection (default 1 s)
 * @param deadAfter a connection that leaves a PING or data unanswered this long is replaced
 *     (default 3 s)
 * @param handshakeTimeout a connection must authenticate within this (default 5 s)
 * @param disconnectLimit the session ends after staying disconnected this long (default 24 h)
 * @param refusalLimit the client gives up once every reconnection has been refused for this long
 *     without proof that the server knows the session (default 10 min; client only)
 * @param channelWindowBytes bytes one channel may have in flight unread (default 1 MiB)
 * @param connectionThreads the threads that carry each connection (default virtual)
 */
public record SessionOptions(
    Duration keepaliveInterval,
    Duration deadAfter,
    Duration handshakeTimeout,
    Duration disconnectLimit,
    Duration refusalLimit,
    int channelWindowBytes,
    ConnectionThreads connectionThreads) {

  public SessionOptions {
    new Liveness(keepaliveInterval, deadAfter, handshakeTimeout, disconnectLimit, refusalLimit); // validates
    if (channelWindowBytes < FrameType.MAX_DATA_BYTES || channelWindowBytes > 64 << 20) {
      throw new IllegalArgumentException(
          "channelWindowBytes must be within [64 KiB, 64 MiB]: " + channelWindowBytes);
    }
    Objects.requireNonNull(connectionThreads, "connectionThreads");
  }

  /** The defaults listed above. */
  public static SessionOptions defaults() {
    return new SessionOptions(
        Duration.ofSeconds(1),
        Duration.ofSeconds(3),
        Duration.ofSeconds(5),
        Duration.ofHours(24),
        Duration.ofMinutes(10),
        1 << 20,
        ConnectionThreads.VIRTUAL);
  }

  public SessionOptions withKeepalive(Duration interval, Duration deadAfter) {
    return new SessionOptions(
        interval, deadAfter, handshakeTimeout, disconnectLimit, refusalLimit, channelWindowBytes, connectionThreads);
  }

  public SessionOptions withHandshakeTimeout(Duration timeout) {
    return new SessionOptions(
        keepaliveInterval, deadAfter, timeout, disconnectLimit, refusalLimit, channelWindowBytes, connectionThreads);
  }

  public SessionOptions withDisconnectLimit(Duration limit) {
    return new SessionOptions(
        keepaliveInterval, deadAfter, handshakeTimeout, limit, refusalLimit, channelWindowBytes, connectionThreads);
  }

  public SessionOptions withRefusalLimit(Duration limit) {
    return new SessionOptions(
        keepaliveInterval, deadAfter, handshakeTimeout, disconnectLimit, limit, channelWindowBytes, connectionThreads);
  }

  public SessionOptions withChannelWindow(int bytes) {
    return new SessionOptions(
        keepaliveInterval, deadAfter, handshakeTimeout, disconnectLimit, refusalLimit, bytes, connectionThreads);
  }

  public SessionOptions withConnectionThreads(ConnectionThreads threads) {
    return new SessionOptions(
        keepaliveInterval, deadAfter, handshakeTimeout, disconnectLimit, refusalLimit, channelWindowBytes, threads);
  }

  Liveness liveness() {
    return new Liveness(keepaliveInterval, deadAfter, handshakeTimeout, disconnectLimit, refusalLimit);
  }
}
