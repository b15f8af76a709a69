package et.bench;

import et.core.Channel;
import et.core.Session;
import et.testkit.SeededStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One channel of a client session carrying a {@link SeededStream} to a server that echoes it back:
 * a writer thread sends the stream at a steady pace, then shuts its output; a reader thread checks
 * what comes back byte for byte against the same stream and digests it, so one wrong, missing or
 * duplicated byte in either direction shows.
 */
final class EchoedStream {
  private static final int PIECE_BYTES = 4096;

  private final SeededStream stream;
  private final Channel channel;
  private final AtomicLong echoed = new AtomicLong();
  private final Thread writer;
  private final Thread reader;
  private volatile byte[] sentSha256;
  private volatile SeededStream.Check received;
  private volatile IOException failure;

  private EchoedStream(Session session, SeededStream stream, long bytesPerSecond) throws IOException {
    this.stream = stream;
    this.channel = session.openChannel("soak echo");
    this.writer = Thread.ofVirtual().name(session + " soak-write").start(() -> write(bytesPerSecond));
    this.reader = Thread.ofVirtual().name(session + " soak-read").start(this::read);
  }

  /** Opens the channel on {@code session} and starts sending {@code stream} at {@code bytesPerSecond}. */
  static EchoedStream start(Session session, SeededStream stream, long bytesPerSecond) throws IOException {
    return new EchoedStream(session, stream, bytesPerSecond);
  }

  /** Bytes echoed back so far. */
  long echoedBytes() {
    return echoed.get();
  }

  /** Waits up to {@code timeout} for the whole echo; true if both threads finished. */
  boolean await(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    return writer.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
        && reader.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
  }

  /** True once the echo came back whole: every byte once, in order, and the writer's SHA-256. */
  boolean exact() {
    return failure == null
        && received != null
        && sentSha256 != null
        && received.intact(stream)
        && MessageDigest.isEqual(sentSha256, received.sha256());
  }

  /** What went wrong, for the report; "exact" when nothing did. */
  String outcome() {
    if (failure != null) {
      return "failed: " + failure;
    }
    if (received == null || sentSha256 == null) {
      return "unfinished, " + echoed.get() + " of " + stream.length() + " bytes echoed";
    }
    if (!received.intact(stream)) {
      return received + " of " + stream.length();
    }
    return exact() ? "exact" : "SHA-256 of the echo differs from what was sent";
  }

  /** Closes the channel (after {@link #await}, or to stop an unfinished echo). */
  void close() throws IOException {
    channel.close();
  }

  private void write(long bytesPerSecond) {
    try {
      OutputStream paced = new PacedOutput(channel.output(), bytesPerSecond);
      sentSha256 = stream.writeTo(paced, PIECE_BYTES);
      channel.shutdownOutput();
    } catch (IOException e) {
      failure = e;
    }
  }

  private void read() {
    try {
      received = stream.readFrom(channel.input(), echoed);
    } catch (IOException e) {
      failure = e;
    }
  }
}
