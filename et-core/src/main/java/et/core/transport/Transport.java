package et.core.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ByteChannel;
import java.util.function.Supplier;

/**
 * How a client reaches its server for each connection attempt: everything before the end-to-end
 * handshake (a TCP connect; relay hops; an {@code ssh -W} child). The channel it returns carries
 * the handshake and then sealed frames; whatever it passes through only ever sees those bytes.
 *
 * <p>{@link #open} blocks; it registers every resource it may block on with the attempt first, so
 * the caller's deadline (which closes the attempt) ends it. A failure is an IOException whose
 * message says which step failed, for the client's status line.
 */
public interface Transport {
  /** What {@link #tcp}'s transports call themselves. */
  String TCP_NAME = "tcp";

  /** Opens a fresh path to the server, ready for the handshake. */
  ByteChannel open(ConnectAttempt attempt) throws IOException;

  /** A direct TCP connection to {@code address}, asked anew before every attempt. */
  static Transport tcp(Supplier<InetSocketAddress> address) {
    return new TcpTransport(address);
  }
}
