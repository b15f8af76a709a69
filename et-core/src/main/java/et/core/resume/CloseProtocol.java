package et.core.resume;

import et.core.wire.FrameType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * How a session closes, both ways, in one place (docs/PROTOCOL.md, "Closing"). The side that
 * closes sends SESSION_CLOSE (its exit status and reason) as its last stream frame, and its stream
 * ends once the peer has acknowledged every frame up to it, across any number of reconnects. The
 * side that receives SESSION_CLOSE acknowledges it at once and ends when the closer hangs up,
 * stays silent past the dead-after time, or, at a later resume, refuses the session as ended.
 *
 * <p>States: {@code OPEN → CLOSING → CLOSED} (this side closed) and {@code OPEN → PEER_CLOSING →
 * CLOSED_BY_PEER} (the peer did); when both close at once, whichever end comes first decides. The
 * stream ends with the {@link StreamEnd} this class gives ({@link ResumableStream#finish}; the
 * first end wins).
 *
 * <p>Threads: {@link #closing} on the application thread that closes; {@link #peerClosing} on the
 * socket reader; the questions from the connection's threads and the stream's run.
 */
final class CloseProtocol {
  /** The states above that are not yet an end. */
  enum State { OPEN, CLOSING, PEER_CLOSING }

  /** Frames the peer must acknowledge before our close completes; -1 while we have not closed. */
  private volatile long closeThrough = -1;
  /** Frames received up to and with the peer's SESSION_CLOSE; -1 while the peer has not closed. */
  private volatile long peerCloseThrough = -1;
  private volatile int exitStatus;
  private volatile String reason = "closed";
  private volatile int peerExitStatus;
  private volatile String peerReason = "";

  /** The SESSION_CLOSE payload for {@code exitStatus} and {@code reason}, cut to its limit. */
  static byte[] payload(int exitStatus, String reason) {
    byte[] reasonBytes = reason.getBytes(StandardCharsets.UTF_8);
    if (reasonBytes.length > FrameType.MAX_REASON_BYTES) {
      reasonBytes = Arrays.copyOf(reasonBytes, FrameType.MAX_REASON_BYTES);
    }
    return ByteBuffer.allocate(4 + reasonBytes.length).putInt(exitStatus).put(reasonBytes).array();
  }

  /** We sent our SESSION_CLOSE with {@code status} and {@code why}; it is among the first {@code written} frames. */
  void closing(int status, String why, long written) {
    exitStatus = status;
    reason = why;
    closeThrough = written;
  }

  /** The peer's SESSION_CLOSE arrived as frame number {@code received} - 1. Socket reader. */
  void peerClosing(byte[] payload, long received) {
    ByteBuffer buffer = ByteBuffer.wrap(payload); // at least 4 bytes: FrameType checks
    peerExitStatus = buffer.getInt();
    peerReason = StandardCharsets.UTF_8.decode(buffer).toString();
    peerCloseThrough = received;
  }

  State state() {
    if (peerCloseThrough >= 0) {
      return State.PEER_CLOSING;
    }
    return closeThrough >= 0 ? State.CLOSING : State.OPEN;
  }

  /** Whether our close is complete: the peer has acknowledged {@code acked} frames, ours among them. */
  boolean closeAcknowledged(long acked) {
    long through = closeThrough;
    return through >= 0 && acked >= through;
  }

  /** Whether the peer closed and {@code ackSent} covers its SESSION_CLOSE: it may now hang up. */
  boolean peerCloseAcknowledged(long ackSent) {
    long through = peerCloseThrough;
    return through >= 0 && ackSent >= through;
  }

  /** This side's end, with our exit status (0 unless we sent a close) and {@code why}. */
  StreamEnd closed(String why) {
    return new StreamEnd(StreamEnd.Cause.CLOSED, exitStatus, why);
  }

  /** This side's end, with our exit status and our close's reason ("closed" unless we sent a close). */
  StreamEnd closed() {
    return closed(reason);
  }

  /** The peer's close, acknowledged: the end with its exit status and reason. */
  StreamEnd closedByPeer() {
    return new StreamEnd(StreamEnd.Cause.CLOSED_BY_PEER, peerExitStatus, peerReason);
  }

  /**
   * The end after the peer refused a resume. A vouched "no such session" while a close was under
   * way only means the peer finished first: it had our close acknowledged (it ends only then), or
   * its close reached us and the connection died before our acknowledgement ended it.
   */
  StreamEnd afterRefusal(RefusedException refusal) {
    if (refusal.vouched() && refusal.refusal() == Refusal.NO_SESSION) {
      switch (state()) {
        case PEER_CLOSING -> {
          return closedByPeer();
        }
        case CLOSING -> {
          return closed();
        }
        case OPEN -> { }
      }
    }
    return new StreamEnd(StreamEnd.Cause.REFUSED, 0, refusal.getMessage());
  }
}
