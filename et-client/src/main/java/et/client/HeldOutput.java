package et.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * ssh's stderr in the et agent: kept back until the bootstrap's outcome is known, so that a login
 * the agent gives up on (ssh would have had to ask: the whole client then runs and logs in itself)
 * shows nothing, while a login that worked shows ssh's banners and warnings, late but whole. Keeps
 * at most {@link #MAX_HELD_BYTES}; what comes after {@link #release()} goes straight through.
 */
final class HeldOutput extends OutputStream {
  static final int MAX_HELD_BYTES = 64 * 1024;

  private final OutputStream target;
  private ByteArrayOutputStream held = new ByteArrayOutputStream(); // null once released or discarded
  private boolean discarded;

  HeldOutput(OutputStream target) {
    this.target = Objects.requireNonNull(target, "target");
  }

  @Override
  public synchronized void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
    if (held != null) {
      held.write(bytes, offset, Math.min(length, MAX_HELD_BYTES - held.size()));
    } else if (!discarded) {
      target.write(bytes, offset, length);
    }
  }

  /** Writes what was held and lets the rest through. */
  synchronized void release() throws IOException {
    if (held != null) {
      held.writeTo(target);
      held = null;
      target.flush();
    }
  }

  /** Drops what was held and whatever comes after. */
  synchronized void discard() {
    held = null;
    discarded = true;
  }

  @Override
  public synchronized void flush() throws IOException {
    if (held == null && !discarded) {
      target.flush();
    }
  }
}
