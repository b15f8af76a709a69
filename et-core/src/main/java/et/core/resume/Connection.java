package et.core.resume;

import et.core.crypto.SequenceAead;
import et.core.transport.SendQueueLimit;
import et.core.wire.Frame;
import et.core.wire.FrameReader;
import et.core.wire.FrameType;
import et.core.wire.FrameWriter;
import et.core.wire.ProtocolException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;

/**
 * One authenticated connection (a blocking channel: a {@link SocketChannel}, or whatever a
 * transport opened) and its connection keys. Control frames are numbered per
 * connection and direction from 1 (0 sealed the handshake proof), and a control frame that does not
 * carry the next number is refused, so nothing recorded can be replayed into a live connection.
 *
 * <p>Threads: after the handshake, the socket-reader alone reads; writes happen under the live
 * connection's send lock, by the socket-writer or by a producer that found the socket free
 * ({@link LiveConnection#sendFromProducer}). {@link #close()} may be called from anywhere, any
 * number of times.
 */
public final class Connection implements AutoCloseable {
  private final ByteChannel socket;
  private final FrameReader reader;
  private final SequenceAead sendAead;
  private final SequenceAead receiveAead;
  /** The peer's count of our stream frames it holds, stated in the handshake. */
  private final long peerReceived;
  private final String name;
  private long nextControlToSend = 1;
  private long nextControlToReceive = 1;
  /** Set as the proven connection starts (volatile: producers write too); followed by whoever writes. */
  private volatile SendQueueLimit sendQueue;

  Connection(
      ByteChannel socket,
      FrameReader reader,
      SequenceAead sendAead,
      SequenceAead receiveAead,
      long peerReceived,
      String name) {
    this.socket = socket;
    this.reader = reader;
    this.sendAead = sendAead;
    this.receiveAead = receiveAead;
    this.peerReceived = peerReceived;
    this.name = name;
  }

  /** Bounds what the kernel holds ahead of the next frame, where the channel is a TCP socket. */
  void limitSendQueue() {
    if (socket instanceof SocketChannel tcp) {
      sendQueue = SendQueueLimit.apply(tcp);
    }
  }

  /** The path's delivery rate in bytes a second, as last measured; -1 if unknown. */
  long deliveryRate() {
    SendQueueLimit limit = sendQueue;
    return limit == null ? -1 : limit.deliveryRate();
  }

  /** Reads the next frame, good until the next read; blocks. */
  Frame read() throws IOException {
    return reader.readReused();
  }

  /** Writes one frame. */
  void write(Frame frame) throws IOException {
    FrameWriter.write(socket, frame);
    if (sendQueue != null && socket.isOpen()) { // closed: its descriptor may already be another's
      sendQueue.follow();
    }
  }

  /** Seals and writes a control frame carrying one 64-bit value. */
  void writeControl(FrameType type, long value) throws IOException {
    byte[] payload = ByteBuffer.allocate(8).putLong(value).array();
    write(Frame.seal(sendAead, type, 0, nextControlToSend++, payload));
  }

  /** Opens a control frame from the peer and returns its value. */
  long openControl(Frame frame) throws ProtocolException {
    long seq = frame.header().sequence();
    if (seq != nextControlToReceive) {
      throw new ProtocolException(
          frame.type() + " numbered " + seq + ", expected " + nextControlToReceive);
    }
    long value = ByteBuffer.wrap(frame.open(receiveAead)).getLong();
    nextControlToReceive++;
    return value;
  }

  /** This end's address; null once closed, or when the channel is not a TCP socket. */
  InetSocketAddress localAddress() {
    if (!(socket instanceof SocketChannel tcp)) {
      return null;
    }
    try {
      return (InetSocketAddress) tcp.getLocalAddress();
    } catch (IOException closed) {
      return null;
    }
  }

  long peerReceived() {
    return peerReceived;
  }

  @Override
  public String toString() {
    return name;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a socket that failed tells us nothing new
    }
  }
}
