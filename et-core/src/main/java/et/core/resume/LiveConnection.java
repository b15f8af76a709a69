package et.core.resume;

import et.core.wire.Frame;
import et.core.wire.FrameType;
import et.core.wire.ProtocolException;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one authenticated connection of a stream as an inner StructuredTaskScope of three virtual
 * threads: socket-read, socket-write and keepalive. It ends when any of them fails; the exception
 * says how: {@link ConnectionLostException} (reconnect and replay), {@link FatalStreamException}
 * (end the session), {@link PeerFinishedException} (the peer closed the session and our final
 * acknowledgement went out).
 *
 * <p>Only the socket-writer writes to the socket; the others raise flags and unpark it.
 */
final class LiveConnection {
  /** Acknowledge at the latest after this many unacknowledged frames, even mid-burst. */
  private static final int ACK_EVERY_FRAMES = 16;
  private static final int SEND_BATCH_FRAMES = 64;

  private final Connection connection;
  private final BackedWriter writer;
  private final BackedReader reader;
  private final StreamListener listener;
  private final Liveness liveness;
  private final ResumableStream stream;
  private final String name;

  private final AtomicBoolean ackDue = new AtomicBoolean();
  private final AtomicBoolean pingDue = new AtomicBoolean(true);
  private final AtomicLong pongDue = new AtomicLong(-1);
  private volatile long ackSent;
  private volatile Thread socketWriter;

  LiveConnection(
      Connection connection,
      BackedWriter writer,
      BackedReader reader,
      StreamListener listener,
      Liveness liveness,
      ResumableStream stream) {
    this.connection = connection;
    this.writer = writer;
    this.reader = reader;
    this.listener = listener;
    this.liveness = liveness;
    this.stream = stream;
    this.name = stream.name();
    this.ackSent = reader.received();
  }

  /** Runs until the connection ends; always throws, saying how it ended. */
  void run() throws IOException, InterruptedException {
    try (var scope = StructuredTaskScope.open()) {
      scope.fork(() -> named("socket-read", this::readLoop));
      scope.fork(() -> named("socket-write", this::writeLoop));
      scope.fork(() -> named("keepalive", this::keepaliveLoop));
      scope.join();
      throw new IllegalStateException("connection tasks returned without failing");
    } catch (StructuredTaskScope.FailedException e) {
      throw classify(e.getCause());
    } finally {
      connection.close();
      writer.setSender(null);
    }
  }

  private IOException classify(Throwable cause) {
    return switch (cause) {
      case ConnectionLostException lost -> lost;
      case FatalStreamException fatal -> fatal;
      case PeerFinishedException finished -> finished;
      case SocketTimeoutException timeout ->
          new ConnectionLostException("silent for " + liveness.deadAfter().toMillis() + " ms");
      case EOFException eof -> new ConnectionLostException(eof.getMessage());
      case ProtocolException bad -> new ConnectionLostException("protocol violation: " + bad.getMessage());
      case SocketException socket -> new ConnectionLostException(socket.getMessage());
      case IOException io -> new ConnectionLostException(io.toString());
      case RuntimeException bug -> throw bug;
      case Error error -> throw error;
      default -> new ConnectionLostException(cause.toString());
    };
  }

  private interface Loop {
    void run() throws Exception;
  }

  private Void named(String role, Loop loop) throws Exception {
    Thread.currentThread().setName(name + " " + role);
    loop.run();
    return null;
  }

  private void readLoop() throws IOException {
    connection.socket().setSoTimeout((int) liveness.deadAfter().toMillis());
    var in = connection.socket().getInputStream();
    while (true) {
      Frame frame = connection.read();
      switch (frame.type().kind) {
        case STREAM -> {
          var payload = reader.accept(frame);
          if (payload.isPresent()) {
            listener.deliver(frame.type(), frame.header().channel(), payload.get());
          }
          // Acknowledge as we go, coalescing while more bytes are already waiting.
          if (reader.received() - ackSent >= ACK_EVERY_FRAMES
              || in.available() == 0
              || stream.finishedThrough() >= 0) {
            raise(ackDue);
          }
        }
        case CONTROL -> onControl(frame);
        case HANDSHAKE -> throw new ProtocolException("handshake frame " + frame.type() + " mid-stream");
      }
    }
  }

  private void onControl(Frame frame) throws IOException {
    long value = connection.openControl(frame);
    switch (frame.type()) {
      case ACK -> {
        try {
          writer.acknowledge(value);
        } catch (ProtocolException e) {
          throw new FatalStreamException(e.getMessage());
        }
        stream.checkCloseAcknowledged();
      }
      case PING -> {
        pongDue.set(value);
        LockSupport.unpark(socketWriter);
      }
      case PONG -> stream.recordRoundTrip(System.nanoTime() - value);
      default -> throw new IllegalStateException("not a control frame: " + frame.type());
    }
  }

  private void raise(AtomicBoolean flag) {
    flag.set(true);
    LockSupport.unpark(socketWriter);
  }

  private void writeLoop() throws IOException, InterruptedException {
    socketWriter = Thread.currentThread();
    writer.setSender(socketWriter);
    long idleParkNanos = liveness.keepaliveInterval().toNanos();
    while (true) {
      boolean idle = true;
      if (pingDue.getAndSet(false)) {
        connection.writeControl(FrameType.PING, System.nanoTime());
        idle = false;
      }
      long pong = pongDue.getAndSet(-1);
      if (pong != -1) {
        connection.writeControl(FrameType.PONG, pong);
        idle = false;
      }
      for (int i = 0; i < SEND_BATCH_FRAMES; i++) {
        Frame frame = writer.nextToSend();
        if (frame == null) {
          break;
        }
        connection.write(frame);
        idle = false;
      }
      if (ackDue.getAndSet(false)) {
        long received = reader.received();
        connection.writeControl(FrameType.ACK, received);
        ackSent = received;
        idle = false;
      }
      if (stream.finishedThrough() >= 0 && ackSent >= stream.finishedThrough()) {
        throw new PeerFinishedException();
      }
      if (idle) {
        LockSupport.parkNanos(this, idleParkNanos);
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
    }
  }

  private void keepaliveLoop() throws InterruptedException {
    while (true) {
      Thread.sleep(liveness.keepaliveInterval());
      raise(pingDue);
    }
  }

  /** Ends the write loop once the peer's close has been acknowledged. */
  static final class PeerFinishedException extends IOException {
    PeerFinishedException() {
      super("session closed by peer");
    }
  }
}
