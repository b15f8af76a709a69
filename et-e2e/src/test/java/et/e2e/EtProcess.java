package et.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * launcher/et without a terminal (pipe mode): stdin, stdout and stderr are pipes. The test reads
 * stdout itself; one platform thread collects stderr. {@link #close()} kills it if still running.
 */
final class EtProcess implements AutoCloseable {
  private final Process process;
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream(); // guarded by itself
  private final Thread stderrReader;

  private EtProcess(Process process) {
    this.process = process;
    this.stderrReader = Thread.ofPlatform().daemon().name("et stderr").start(this::collectStderr);
  }

  static EtProcess start(List<String> command) throws IOException {
    return new EtProcess(new ProcessBuilder(command).start());
  }

  InputStream stdout() {
    return process.getInputStream();
  }

  OutputStream stdin() {
    return process.getOutputStream();
  }

  /** Waits for et's end and returns its exit status; fails past the timeout. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("et still runs after " + timeout + "; stderr: " + stderr());
    }
    stderrReader.join(timeout);
    return process.exitValue();
  }

  /** What et wrote on stderr so far. */
  String stderr() {
    synchronized (stderr) {
      return stderr.toString(StandardCharsets.UTF_8);
    }
  }

  private void collectStderr() {
    byte[] buffer = new byte[8192];
    try (InputStream in = process.getErrorStream()) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        synchronized (stderr) {
          stderr.write(buffer, 0, n);
        }
      }
    } catch (IOException e) {
      // the process is gone
    }
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
