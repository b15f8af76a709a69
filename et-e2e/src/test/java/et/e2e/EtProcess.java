package et.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.CapturedOutput;
import et.testkit.Poll;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * launcher/et without a terminal (pipe mode): stdin, stdout and stderr are pipes. The test reads
 * stdout itself; stderr is captured. {@link #close()} kills it if still running.
 */
final class EtProcess implements AutoCloseable {
  private final Process process;
  private final CapturedOutput stderr;

  private EtProcess(Process process) {
    this.process = process;
    this.stderr = new CapturedOutput(StandardCharsets.UTF_8).readFrom(process.getErrorStream(), "et stderr");
  }

  static EtProcess start(List<String> command) throws IOException {
    return new EtProcess(new ProcessBuilder(command).start());
  }

  /** As {@link #start(List)}, with {@code environment} changed first (a null value removes a variable). */
  static EtProcess start(List<String> command, Map<String, String> environment) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    environment.forEach((name, value) -> {
      if (value == null) {
        builder.environment().remove(name);
      } else {
        builder.environment().put(name, value);
      }
    });
    return new EtProcess(builder.start());
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
    stderr.endsWithin(timeout);
    return process.exitValue();
  }

  /** A connection to {@code port} on loopback once et listens there (a tunnel's or a proxy's); fails past the timeout. */
  Socket connectWhenListening(int port, Duration timeout) throws InterruptedException {
    AtomicReference<Socket> connected = new AtomicReference<>();
    boolean listening = Poll.until(timeout, () -> {
      try {
        connected.set(new Socket(InetAddress.getLoopbackAddress(), port));
        return true;
      } catch (IOException refused) {
        return false;
      }
    });
    assertTrue(listening, "et did not listen on " + port + ": " + stderr());
    return connected.get();
  }

  /** A connection to the unix socket {@code path} once et listens there; fails past the timeout. */
  SocketChannel connectWhenListening(Path path, Duration timeout) throws InterruptedException {
    AtomicReference<SocketChannel> connected = new AtomicReference<>();
    boolean listening = Poll.until(timeout, () -> {
      if (!Files.exists(path)) {
        return false;
      }
      try {
        connected.set(SocketChannel.open(UnixDomainSocketAddress.of(path)));
        return true;
      } catch (IOException notYet) {
        return false;
      }
    });
    assertTrue(listening, "et did not listen on " + path + ": " + stderr());
    return connected.get();
  }

  /** Sends et SIGTERM, as a user's kill or a closed window would. */
  void terminate() {
    process.toHandle().destroy(); // Process.destroy() would close our ends of its pipes, losing what et says as it ends
  }

  /** What et wrote on stderr so far. */
  String stderr() {
    return stderr.text();
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
