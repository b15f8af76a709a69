package et.server.request;

import et.core.task.Deadline;
import et.terminal.BoundedLine;
import et.terminal.PrivateDirectory;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.time.Duration;
import java.util.Optional;
import org.tinylog.Logger;

/**
 * etterminal's side of the unix socket: hands one request line to the user's session host and
 * returns its reply line, starting the host (detached, {@link HostLauncher}) when none answers and
 * retrying until a deadline. The runtime directory is checked first: a socket in a directory that
 * is not ours alone could be anyone's fake host, handing out sessions that capture keystrokes.
 */
public final class HostConnector {
  /** How a host is started when none answers: {@link HostLauncher#start}, or a refusal. */
  @FunctionalInterface
  public interface HostStarter {
    /** The started host's process (the host itself). */
    Process start() throws IOException;
  }

  /** How long a connected host has to answer. */
  static final Duration REPLY_DEADLINE = Duration.ofSeconds(10);
  /**
   * The longest pause between attempts while a host starts: an attempt costs a stat and a refused
   * connect, and each millisecond after the host listens is one of the user's first start.
   */
  private static final Duration MAX_PAUSE = Duration.ofMillis(10);

  private final HostPaths paths;
  private final HostStarter starter;

  public HostConnector(HostPaths paths, HostStarter starter) {
    this.paths = paths;
    this.starter = starter;
  }

  /** No host listens (no socket, refused) or it hung up without an answer. */
  static final class NotAnsweringException extends IOException {
    NotAnsweringException(String message) {
      super(message);
    }
  }

  /**
   * The host's reply to {@code line}. Starts a host at most once, when the first attempt finds none,
   * and keeps trying until {@code timeout} has passed.
   *
   * @throws IOException when no host answered in time, the started host failed, or the runtime
   *     directory is not private
   */
  public String exchange(String line, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Process started = null;
    long pauseNanos = Duration.ofMillis(5).toNanos();
    while (true) {
      NotAnsweringException notAnswering;
      try {
        return exchangeOnce(line);
      } catch (NotAnsweringException e) {
        notAnswering = e;
      }
      if (started == null) {
        Logger.info("no session host answers ({}): starting one", notAnswering.getMessage());
        started = starter.start();
      } else if (!started.isAlive() && started.exitValue() != 0) {
        throw new IOException(
            "the session host exited with status " + started.exitValue() + " at start; see "
                + paths.hostOutputFile() + " and " + paths.logFile());
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IOException(
            "no session host answered on " + paths.socket() + " within " + timeout.toSeconds() + " s ("
                + notAnswering.getMessage() + "); see " + paths.logFile());
      }
      Thread.sleep(Duration.ofNanos(Math.min(pauseNanos, left)));
      pauseNanos = Math.min(pauseNanos * 2, MAX_PAUSE.toNanos());
    }
  }

  /**
   * The running host's reply to {@code line}, or empty when no host answers: one attempt, no host
   * started. For the requests that need no host when there is none (the list, a kill).
   *
   * @throws IOException when the host failed mid-answer or the runtime directory is not private
   */
  public Optional<String> exchangeIfRunning(String line) throws IOException {
    try {
      return Optional.of(exchangeOnce(line));
    } catch (NotAnsweringException e) {
      Logger.info("no session host answers ({})", e.getMessage());
      return Optional.empty();
    }
  }

  private String exchangeOnce(String line) throws IOException {
    if (!Files.exists(paths.runtimeDir(), LinkOption.NOFOLLOW_LINKS)) {
      throw new NotAnsweringException(paths.runtimeDir() + " does not exist");
    }
    PrivateDirectory.verify(paths.runtimeDir());
    SocketChannel channel;
    try {
      channel = HostSocket.connect(paths.socket());
    } catch (IOException e) {
      throw new NotAnsweringException(paths.socket() + ": " + e.getMessage());
    }
    try (channel;
        Deadline deadline = Deadline.closeAfter(channel, REPLY_DEADLINE)) {
      ByteBuffer request = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.ISO_8859_1));
      while (request.hasRemaining()) {
        channel.write(request);
      }
      try {
        return BoundedLine.read(new BufferedInputStream(Channels.newInputStream(channel)), BoundedLine.MAX_BYTES);
      } catch (EOFException e) {
        // A host on its way out (idle exit) hangs up on requests it no longer takes.
        throw new NotAnsweringException("the session host hung up without an answer");
      } catch (IOException e) {
        if (deadline.passed()) {
          throw new IOException("the session host did not answer within " + REPLY_DEADLINE.toSeconds() + " s");
        }
        throw e;
      }
    }
  }
}
