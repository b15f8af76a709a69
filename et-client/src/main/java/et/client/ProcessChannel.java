package et.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A blocking byte channel over a child process's stdout (read) and stdin (write): the channel an
 * {@code ssh -W} transport hands to the handshake. When the process's stdout ends, the read waits
 * up to {@link #EXIT_WAIT} for the process to exit and, if it failed, throws an IOException whose
 * message {@code whyFailed} makes from its exit status, so the status line says why (a password
 * ssh could not ask for) rather than "connection closed".
 *
 * <p>Threads: one reader and one writer at a time (the connection's socket-reader, its writers
 * under their send lock); {@link #close()} from anywhere, any number of times: it kills the
 * process, which ends a blocked read or write.
 */
final class ProcessChannel implements ByteChannel {
  /** How long a process whose stdout ended may take to exit, so its status can be told. */
  static final Duration EXIT_WAIT = Duration.ofSeconds(2);
  private static final int MAX_CHUNK = 64 * 1024;

  private final Process process;
  private final InputStream stdout;
  private final OutputStream stdin;
  /** The reason for a failed exit status, for the read that finds the end of stdout. */
  private final Function<Integer, String> whyFailed;
  private volatile boolean open = true;

  ProcessChannel(Process process, Function<Integer, String> whyFailed) {
    this.process = process;
    this.stdout = process.getInputStream();
    this.stdin = process.getOutputStream();
    this.whyFailed = whyFailed;
  }

  @Override
  public int read(ByteBuffer into) throws IOException {
    requireOpen();
    byte[] chunk = new byte[Math.min(into.remaining(), MAX_CHUNK)];
    int n = stdout.read(chunk);
    if (n < 0) {
      endOfOutput();
      return -1;
    }
    into.put(chunk, 0, n);
    return n;
  }

  /** Throws with the process's reason when it exited with a failure. */
  private void endOfOutput() throws IOException {
    try {
      if (process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS) && process.exitValue() != 0) {
        throw new IOException(whyFailed.apply(process.exitValue()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClosedChannelException();
    }
  }

  @Override
  public int write(ByteBuffer from) throws IOException {
    requireOpen();
    int n = from.remaining();
    byte[] chunk = new byte[n];
    from.get(chunk);
    stdin.write(chunk);
    stdin.flush(); // the process's stdin is buffered: a frame must leave now
    return n;
  }

  private void requireOpen() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      stdin.close();
    } catch (IOException ignored) {
      // the process is gone: nothing reads it any more
    }
  }
}
