package et.core.channel;

import et.core.ChannelSink;
import et.core.resume.FatalStreamException;
import et.core.wire.FrameType;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * Our end of one multiplexed channel: a blocking InputStream and OutputStream with their own flow
 * control. {@code CHANNEL_EOF} half-closes one direction; {@code CHANNEL_CLOSE} says the sender will
 * neither write nor read again. Ids are never reused, so no close needs an answer.
 *
 * <p>Lifecycle per direction: OPEN → EOF sent/received → CLOSED. The entry leaves the multiplexer
 * once both sides have sent CHANNEL_CLOSE (or the session ended).
 */
public final class ChannelEnd {
  /** {@link #drainTo}'s first buffer; it grows fourfold, to one frame's data, each time a read fills it. */
  static final int FIRST_DRAIN_BYTES = 4096;

  private final int id;
  private final String label;
  private final Multiplexer mux;
  private final InboundBuffer inbound;
  private final RemoteWindow remoteWindow;
  private final Input input = new Input();
  private final Output output = new Output();
  /** The credit a read hands back; readers synchronize on it. */
  private final int[] credit = new int[1];
  private final Object writeLock = new Object();
  private boolean outputShut; // guarded by writeLock
  private volatile boolean closedLocally;
  private volatile boolean closedByPeer;
  /** Completed by the peer's CHANNEL_CLOSE. */
  private final CompletableFuture<Void> peerClosed = new CompletableFuture<>();

  ChannelEnd(int id, String label, int window, Multiplexer mux) {
    this.id = id;
    this.label = label;
    this.mux = mux;
    this.inbound = new InboundBuffer(window);
    this.remoteWindow = new RemoteWindow(window);
  }

  public int id() {
    return id;
  }

  public String label() {
    return label;
  }

  public InputStream input() {
    return input;
  }

  public OutputStream output() {
    return output;
  }

  /** See {@link et.core.Channel#drainTo}. */
  public long drainTo(ChannelSink sink) throws IOException {
    inbound.attach(sink);
    long written = 0;
    try {
      // Small while the sink keeps up (an idle terminal's keys wait in it), larger once it fills.
      byte[] buffer = new byte[FIRST_DRAIN_BYTES];
      for (int n; (n = readAndCredit(buffer, 0, buffer.length)) >= 0; ) {
        if (n > 0) { // 0: only credit was due, for bytes the sink took from the socket-reader
          sink.write(buffer, 0, n);
          written += n;
          inbound.caughtUp();
          if (n == buffer.length && n < FrameType.MAX_DATA_BYTES) {
            buffer = new byte[Math.min(4 * n, FrameType.MAX_DATA_BYTES)];
          }
        }
      }
    } finally {
      written += inbound.detach();
    }
    return written;
  }

  /**
   * Reads from the inbound buffer and hands credit back to the peer when a batch is due. Returns 0
   * only in drain mode, when the wake-up was for credit alone.
   */
  private int readAndCredit(byte[] b, int off, int len) throws IOException {
    int n;
    int grant;
    synchronized (credit) {
      n = inbound.read(b, off, len, credit);
      grant = credit[0];
    }
    // Credit goes out after the buffer's lock is released: sending may block on the backlog.
    if (grant > 0 && !closedLocally && !closedByPeer) {
      try {
        send(FrameType.CHANNEL_WINDOW, ByteBuffer.allocate(4).putInt(grant).array());
      } catch (IOException sessionGone) {
        // Only a dead session refuses a frame; the bytes read are still good, so return them.
      }
    }
    return n;
  }

  /** Half-close: the peer reads EOF after everything written so far. Idempotent. */
  public void shutdownOutput() throws IOException {
    synchronized (writeLock) {
      if (outputShut) {
        return;
      }
      outputShut = true;
      send(FrameType.CHANNEL_EOF, new byte[0]);
    }
  }

  /** Closes both directions and tells the peer. Idempotent. */
  public void close() throws IOException {
    if (closedLocally) {
      return;
    }
    closedLocally = true;
    inbound.discard();
    remoteWindow.fail(new IOException("channel " + id + " closed"));
    synchronized (writeLock) {
      outputShut = true;
    }
    try {
      send(FrameType.CHANNEL_CLOSE, new byte[0]);
    } finally {
      mux.closedLocally(this);
    }
  }

  /** See {@link et.core.Channel#whenClosedByPeer}. */
  public CompletableFuture<Void> whenClosedByPeer() {
    return peerClosed.copy();
  }

  boolean bothClosed() {
    return closedLocally && closedByPeer;
  }

  // --- from the socket-reader, through the multiplexer; none of these block ---

  void onData(byte[] bytes) throws FatalStreamException {
    inbound.offer(bytes);
  }

  void onWindow(byte[] payload) throws FatalStreamException {
    remoteWindow.grant(ByteBuffer.wrap(payload).getInt());
  }

  void onEof() {
    inbound.finish(null);
  }

  void onClose() {
    closedByPeer = true;
    // Writes fail before reads see the end, so nobody writes after reading -1 into the void.
    remoteWindow.fail(new IOException("channel " + id + " closed by peer"));
    inbound.finish(null);
    peerClosed.complete(null);
  }

  /** The session ended: readers drain and then see EOF (clean end) or {@code failure}. */
  void onSessionEnd(IOException failureOrNull) {
    inbound.finish(failureOrNull);
    remoteWindow.fail(
        failureOrNull != null ? failureOrNull : new IOException("session closed"));
  }

  private void send(FrameType type, byte[] payload) throws IOException {
    try {
      mux.send(type, id, payload);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while sending on channel " + id);
    }
  }

  private final class Input extends InputStream {

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      return readAndCredit(b, off, len);
    }

    @Override
    public int available() {
      return inbound.available();
    }

    @Override
    public void close() throws IOException {
      ChannelEnd.this.close();
    }
  }

  private final class Output extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      synchronized (writeLock) {
        if (outputShut) {
          throw new IOException("channel " + id + " output is closed");
        }
        while (len > 0) {
          int n = remoteWindow.take(Math.min(len, mux.dataFrameBytes()));
          // Sealing copies the bytes anyway, so a whole-array chunk needs no copy of its own.
          boolean whole = off == 0 && n == b.length;
          send(FrameType.CHANNEL_DATA, whole ? b : Arrays.copyOfRange(b, off, off + n));
          off += n;
          len -= n;
        }
      }
    }

    @Override
    public void close() throws IOException {
      shutdownOutput();
    }
  }
}
