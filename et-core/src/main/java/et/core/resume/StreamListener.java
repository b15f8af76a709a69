package et.core.resume;

import et.core.wire.FrameType;

/** What sits on top of a resumable stream (the channel layer) hears from it. */
public interface StreamListener {
  /**
   * One stream frame, in order and exactly once across reconnects. Runs on the socket-reader
   * thread, so it must not block; a FatalStreamException ends the session.
   */
  void deliver(FrameType type, int channel, byte[] payload) throws FatalStreamException;

  /** The stream has ended for good; called once. */
  void ended(StreamEnd end);
}
