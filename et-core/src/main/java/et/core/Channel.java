package et.core;

import et.core.channel.ChannelEnd;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * One bidirectional byte stream inside a session, with its own flow control: a channel whose reader
 * stalls never delays another channel. Bytes survive reconnects like everything in the session.
 *
 * <p>{@link #input()} blocks until bytes arrive and returns -1 once the peer shut its output (or
 * the session closed in order); it throws when the session ended otherwise. {@link #output()}
 * blocks while the peer's window is full. Each stream is for one thread at a time.
 */
public final class Channel implements Closeable {
  private final ChannelEnd end;

  Channel(ChannelEnd end) {
    this.end = end;
  }

  /** Positive; odd for channels the client opened, even for the server's. */
  public int id() {
    return end.id();
  }

  /** The label given by the side that opened it (at most 256 UTF-8 bytes). */
  public String label() {
    return end.label();
  }

  public InputStream input() {
    return end.input();
  }

  /**
   * Copies everything that arrives on this channel into {@code sink}, in order, until the peer shuts
   * its output; returns the byte count. Use it instead of {@link #input()}, not beside it, from one
   * thread. A chunk that arrives while this thread has nothing left to write goes straight from the
   * session's socket reader to {@link ChannelSink#offer}; everything else this thread writes with
   * {@link ChannelSink#write}. Throws what {@code sink.write} threw, or, like {@link #input()}, when
   * the session ended otherwise than in order.
   */
  public long drainTo(ChannelSink sink) throws IOException {
    return end.drainTo(sink);
  }

  public OutputStream output() {
    return end.output();
  }

  /** Half-close: the peer reads EOF after what was written. */
  public void shutdownOutput() throws IOException {
    end.shutdownOutput();
  }

  /**
   * Completes once the peer has closed the channel: it will neither write nor read again (for code
   * that waits on several things). Bytes it sent before are still read from {@link #input()}.
   */
  public CompletableFuture<Void> whenClosedByPeer() {
    return end.whenClosedByPeer();
  }

  /** Closes both directions; unread bytes are dropped. */
  @Override
  public void close() throws IOException {
    end.close();
  }

  @Override
  public String toString() {
    return "Channel[" + id() + " " + label() + "]";
  }
}
