package et.client;

import et.core.task.TaskGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * ssh's stderr while it bootstraps: every byte is passed on to et's own stderr as it arrives (ssh's
 * warnings, banners and "Permission denied, please try again." belong to the user right away; its
 * prompts go to /dev/tty, not here), and the last {@code tailBytes} are kept for et's error
 * messages.
 *
 * <p>One task "ssh stderr" of the client run's group reads until the end of the stream, on a
 * platform thread (a blocking read of a process pipe; the pipe's end comes when ssh and anything it
 * left behind closed it).
 */
final class StderrEcho {

  private final byte[] tail;
  private int tailLength; // guarded by this
  private final CompletableFuture<Void> ended;

  private StderrEcho(InputStream in, OutputStream echo, int tailBytes, TaskGroup tasks) {
    this.tail = new byte[tailBytes];
    this.ended = tasks.fork("ssh stderr", TaskGroup.Threads.PLATFORM, () -> pump(in, echo));
  }

  /** Starts passing {@code in} on to {@code echo} as a task of {@code tasks}, keeping the last {@code tailBytes}. */
  static StderrEcho start(InputStream in, OutputStream echo, int tailBytes, TaskGroup tasks) {
    return new StderrEcho(in, echo, tailBytes, tasks);
  }

  private void pump(InputStream in, OutputStream echo) {
    byte[] buffer = new byte[4096];
    boolean echoing = true;
    try (in) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        keep(buffer, n);
        if (echoing) {
          try {
            echo.write(buffer, 0, n);
            echo.flush();
          } catch (IOException e) {
            echoing = false; // our own stderr is gone: keep the tail anyway
          }
        }
      }
    } catch (IOException e) {
      // ssh's stderr failed or was closed under us: what was read is the tail.
    }
  }

  private synchronized void keep(byte[] buffer, int n) {
    if (n >= tail.length) {
      System.arraycopy(buffer, n - tail.length, tail, 0, tail.length);
      tailLength = tail.length;
      return;
    }
    int overflow = tailLength + n - tail.length;
    if (overflow > 0) {
      System.arraycopy(tail, overflow, tail, 0, tailLength - overflow);
      tailLength -= overflow;
    }
    System.arraycopy(buffer, 0, tail, tailLength, n);
    tailLength += n;
  }

  /** Waits until the stream ended; false at the timeout (something still holds ssh's stderr open). */
  boolean awaitEnd(Duration timeout) throws InterruptedException {
    try {
      ended.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (ExecutionException e) {
      return true; // the task logged its failure; the stream is no longer read either way
    } catch (TimeoutException e) {
      return false;
    }
  }

  /** The last bytes read, as text (a character cut at the start shows as U+FFFD). */
  synchronized String tail() {
    return new String(Arrays.copyOf(tail, tailLength), StandardCharsets.UTF_8);
  }

  /** The last non-blank line of {@link #tail()}, stripped; empty if there is none. */
  String lastLine() {
    String[] lines = tail().split("\r?\n|\r");
    for (int i = lines.length - 1; i >= 0; i--) {
      if (!lines[i].isBlank()) {
        return lines[i].strip();
      }
    }
    return "";
  }
}
