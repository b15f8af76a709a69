package et.core.resume;

import et.core.crypto.SequenceAead;
import et.core.wire.Frame;
import et.core.wire.ProtocolException;
import java.util.Optional;

/**
 * The receiving half of a resumable stream: opens sequenced frames in order, exactly once, and
 * drops the overlap a replay may resend.
 *
 * <p>Invariant: {@code received} is the number of frames delivered, so the next frame must carry
 * exactly that sequence number. Threads: the current connection's socket-reader; others read
 * {@code received} to acknowledge it.
 */
public final class BackedReader {
  private final SequenceAead streamAead;
  private volatile long received;

  public BackedReader(SequenceAead streamAead) {
    this.streamAead = streamAead;
  }

  /**
   * The payload of {@code frame} if it is the next one, empty if it was delivered before; a gap or
   * a frame that fails authentication is a ProtocolException.
   */
  public Optional<byte[]> accept(Frame frame) throws ProtocolException {
    long seq = frame.header().sequence();
    long expected = received;
    if (seq < expected) {
      return Optional.empty();
    }
    if (seq > expected) {
      throw new ProtocolException("frame " + seq + " skips ahead of " + expected);
    }
    byte[] payload = frame.open(streamAead);
    received = expected + 1;
    return Optional.of(payload);
  }

  /** How many frames have been delivered: the peer resends from here. */
  public long received() {
    return received;
  }
}
