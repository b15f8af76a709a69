package et.core.resume;

import java.io.IOException;
import java.time.Instant;

/** Where a stream's next connection comes from: the client dials, the server waits for one. */
interface ConnectionSource {
  /**
   * The next authenticated connection, after telling the peer we hold {@code received} frames.
   * Throws RefusedException when the session can never resume, and StreamExpiredException once
   * {@code giveUpAt} passes.
   */
  Connection next(long received, Instant giveUpAt) throws IOException, InterruptedException;

  /** The unproven refusals every attempt has met lately, or null. */
  default RefusalStreak refusalStreak() {
    return null;
  }

  /** Why the latest attempt to connect failed, while reconnecting; null otherwise. */
  default String lastFailure() {
    return null;
  }

  /** Wakes a waiting {@link #next} for good; the stream is ending. */
  void close();
}
