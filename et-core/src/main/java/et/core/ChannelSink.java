package et.core;

import java.io.IOException;

/**
 * Where {@link Channel#drainTo} puts a channel's bytes. {@link #offer} lets the session's socket
 * reader hand bytes over itself instead of waking the draining thread: a thread hand-off less per
 * keystroke on each side of a terminal's echo (docs/BENCHMARKS.md).
 */
public interface ChannelSink {
  /** Writes all of the bytes, blocking as long as it must. Called on the draining thread. */
  void write(byte[] bytes, int offset, int length) throws IOException;

  /**
   * Takes as many of the bytes as it can without blocking, from the first on, and returns how many
   * (0 when it can take none now). Called on the session's socket reader, which must never block.
   * What it does not take goes to {@link #write}, on the draining thread; so does everything after a
   * failure here, and there the failure is reported.
   */
  int offer(byte[] bytes, int offset, int length) throws IOException;
}
