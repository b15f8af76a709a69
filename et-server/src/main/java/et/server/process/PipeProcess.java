package et.server.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import org.tinylog.Logger;

/**
 * A command without a terminal ({@code et host -c CMD} when the client has no terminal): stdin,
 * stdout and stderr are three pipes, so stdout and stderr stay apart byte for byte.
 *
 * <p>The command runs under {@code setsid}: it leads its own session and process group (its pid is
 * the group id) and has no controlling terminal, so it cannot reach the server's terminal, and
 * {@link #close()} can signal everything it started. The pipes are the JDK's ({@link ProcessBuilder}):
 * reading them from a virtual thread is fine.
 *
 * <p>Readers of {@link #stdout()} and {@link #stderr()} see end of file once every process holding
 * the pipe has exited, which {@link #close()} brings about for the whole group. (The JDK cuts a
 * stream short when the command exits if no read is in progress then: it keeps what is buffered
 * and closes the pipe, so later output of background processes is lost. A read in progress at
 * that moment waits for every holder of the pipe instead.)
 */
public final class PipeProcess implements AutoCloseable {
  /** How long {@link #close()} lets the command react to SIGHUP before it sends SIGKILL. */
  public static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  private static final Duration AFTER_KILL = Duration.ofSeconds(2);
  private static final String SETSID = "/usr/bin/setsid";

  private final Process process;
  private final long pid;
  private final CompletableFuture<Integer> exit;
  private final ReentrantLock closeLock = new ReentrantLock();
  private boolean closed;

  private PipeProcess(Process process) {
    this.process = process;
    this.pid = process.pid();
    this.exit = process.onExit().thenApply(Process::exitValue);
  }

  /** Starts {@code command} with three pipes, as the leader of a new session. */
  public static PipeProcess start(CommandSpec command) throws IOException {
    if (!Files.isExecutable(Path.of(SETSID))) {
      throw new IOException(SETSID + " (util-linux) is needed to run a command in its own session");
    }
    List<String> argv = new ArrayList<>();
    argv.add(SETSID); // execs the command in place (our child is no group leader, so no fork)
    argv.add("--");
    argv.addAll(command.command());
    ProcessBuilder builder = new ProcessBuilder(argv).directory(command.directory().toFile());
    builder.environment().clear();
    builder.environment().putAll(command.fullEnvironment());
    PipeProcess started = new PipeProcess(builder.start());
    Logger.debug("pipe: started {} as pid {} in {}", command.command(), started.pid, command.directory());
    return started;
  }

  public long pid() {
    return pid;
  }

  /** The command's stdin (buffered: flush, or close for end of file). */
  public OutputStream input() {
    return process.getOutputStream();
  }

  public InputStream stdout() {
    return process.getInputStream();
  }

  public InputStream stderr() {
    return process.getErrorStream();
  }

  /** Completes with the exit status: the command's own, or 128 + N if signal N ended it. */
  public CompletableFuture<Integer> exited() {
    return exit.copy();
  }

  /** The exit status, or empty if the command is still running after {@code timeout}. */
  public Optional<Integer> waitFor(Duration timeout) throws InterruptedException {
    return Waits.exitStatus(exit, timeout);
  }

  /** {@link #close(Duration)} with {@link #CLOSE_GRACE}. */
  @Override
  public void close() {
    close(CLOSE_GRACE);
  }

  /**
   * Ends the command and everything it started in its process group: SIGHUP to the group, and
   * once the command has exited or {@code grace} has passed, SIGKILL to whatever is left in the
   * group (so nothing keeps the pipes open); then the three pipes are closed (stdin last-minute:
   * closing it while a write to it is blocked would wait for that write). Idempotent; concurrent
   * callers return when the first has finished.
   *
   * <p>The group id is the command's pid, which the system may give to a newcomer once the command
   * and all its group are gone: see {@link #signalGroup}.
   */
  public void close(Duration grace) {
    closeLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      signalGroup(Libc.SIGHUP);
      if (!Waits.doneWithinUninterruptibly(exit, grace)) {
        Logger.warn("pipe: pid {} still running {} ms after SIGHUP, sending SIGKILL", pid, grace.toMillis());
      }
      signalGroup(Libc.SIGKILL); // the leader if stuck, and leftovers holding the pipes
      if (!Waits.doneWithinUninterruptibly(exit, AFTER_KILL)) {
        Logger.error("pipe: pid {} not reaped {} ms after SIGKILL", pid, AFTER_KILL.toMillis());
      }
      // With the group gone, a write blocked on stdin has failed (broken pipe) and released the
      // stream, and readers of stdout and stderr have seen end of file.
      closeQuietly(process.getOutputStream());
      closeQuietly(process.getInputStream());
      closeQuietly(process.getErrorStream());
    } finally {
      closeLock.unlock();
    }
  }

  /**
   * Signals the command's process group while its id is still the command's. The kernel keeps the
   * id while the command is unreaped or any process of its group lives; once all are gone it may
   * give the number to a newcomer, which may lead a group of its own (a login shell, a terminal's
   * shell). So once the command is reaped, a live process with its pid is a newcomer, and its group
   * is left alone. (A session may be closed long after its command exited: a client that stayed
   * away, output nobody reads.)
   */
  private void signalGroup(int signal) {
    if (exit.isDone() && ProcessHandle.of(pid).isPresent()) {
      Logger.info("pipe: pid {} now belongs to another process: its group is not signalled", pid);
      return;
    }
    Libc.killGroup(pid, signal);
  }

  private void closeQuietly(AutoCloseable stream) {
    try {
      stream.close();
    } catch (Exception e) {
      Logger.debug("pipe: closing a stream of pid {}: {}", pid, e.toString());
    }
  }
}
