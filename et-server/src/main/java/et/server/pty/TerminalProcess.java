package et.server.pty;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.WinSize;
import com.pty4j.unix.UnixPtyProcess;
import et.core.ChannelSink;
import et.core.task.TaskGroup;
import et.server.process.CommandSpec;
import et.server.process.Libc;
import et.server.process.Waits;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.tinylog.Logger;

/**
 * A program (by default the user's login shell) running in a pseudo-terminal: pty4j starts it,
 * reaps it and sizes the terminal; {@link PtyMaster} reads and writes the terminal.
 *
 * <p>Threads, each a task of the {@link TaskGroup} given to {@link #start} (the session's): pty4j
 * reaps the child on its own platform thread; "pty-exit PID" turns the exit into {@link #exited()};
 * {@link #pumpOutputTo} copies the terminal's output on a platform thread "pty-read PID"; {@link
 * #pumpInputFrom} types on its caller's thread (and, through {@link ChannelSink#offer}, on the
 * session's socket reader), waiting for room on a platform thread "pty-type PID" while the
 * terminal's input is full. The blocking reads and writes wait in native calls that would pin a
 * virtual thread's carrier, and interrupting them does nothing: {@link #close()} ends them.
 *
 * <p>The native library: pty4j extracts {@code libpty.so} into a fresh temporary directory at every
 * start unless the system property {@code pty4j.preferred.native.folder} names a directory holding
 * {@code linux/x86-64/libpty.so}; the build puts one in {@code target/native}.
 */
public final class TerminalProcess implements AutoCloseable {
  /** How long {@link #close()} lets the program react to SIGHUP before it sends SIGKILL. */
  public static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  /** How long {@link #close()} waits for the reaper after SIGKILL, which cannot be ignored. */
  private static final Duration AFTER_KILL = Duration.ofSeconds(2);

  /** How long {@link #close()} waits for reads and writes to leave their system calls. */
  private static final Duration LEAVE_CALLS = Duration.ofSeconds(1);

  private static final int READ_CHUNK = 8192;

  private final PtyProcess process;
  private final long pid;
  private final PtyMaster master;
  private final TaskGroup tasks;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final AtomicBoolean pumping = new AtomicBoolean();
  private final AtomicBoolean typing = new AtomicBoolean();
  private final ReentrantLock closeLock = new ReentrantLock();
  private volatile boolean closed;
  /** The terminal as a {@link ChannelSink}: what {@link #pumpInputFrom} types into; see {@link #keyboard()}. */
  private final ChannelSink keyboard = new ChannelSink() {
    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      ensureOpen();
      int taken = master.offer(bytes, offset, length);
      if (taken < length) {
        typeWhenRoom(bytes, offset + taken, length - taken);
      }
    }

    @Override
    public int offer(byte[] bytes, int offset, int length) throws IOException {
      ensureOpen();
      return master.offer(bytes, offset, length);
    }
  };

  private TerminalProcess(PtyProcess process, PtyMaster master, TaskGroup tasks) {
    this.process = process;
    this.pid = process.pid();
    this.master = master;
    this.tasks = tasks;
  }

  /**
   * Starts {@code command} in a new PTY of {@code columns} x {@code rows}, with {@code TERM=term}
   * added to the command's environment. The program is a session leader with the PTY as its
   * controlling terminal. The terminal's threads are tasks of {@code tasks}.
   *
   * @throws IOException if the program cannot start, or {@code tasks} takes no more tasks
   */
  public static TerminalProcess start(CommandSpec command, String term, int columns, int rows, TaskGroup tasks)
      throws IOException {
    checkSize(columns, rows);
    Map<String, String> environment = command.fullEnvironment();
    environment.put("TERM", term);
    PtyProcess process =
        new PtyProcessBuilder(command.command().toArray(String[]::new))
            .setDirectory(command.directory().toString())
            .setEnvironment(environment)
            .setInitialColumns(columns)
            .setInitialRows(rows)
            .start();
    TerminalProcess terminal;
    try {
      terminal = new TerminalProcess(process, new PtyMaster(((UnixPtyProcess) process).getPty().getMasterFD()), tasks);
      tasks.fork("pty-exit " + terminal.pid, terminal::awaitExit);
    } catch (RejectedExecutionException e) {
      process.destroyForcibly();
      throw new IOException("cannot watch the program: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
    Logger.debug("pty: started {} as pid {} in {}", command.command(), terminal.pid, command.directory());
    return terminal;
  }

  public long pid() {
    return pid;
  }

  /**
   * What {@link #pumpInputFrom} types into, for typing on the caller's own thread: writes block
   * while the PTY's input is full (on a platform thread "pty-type PID" where the caller is virtual)
   * and throw once the terminal is closed.
   */
  ChannelSink keyboard() {
    return keyboard;
  }

  /**
   * Copies everything the program writes to the terminal into {@code sink} (flushed after each
   * chunk) until the PTY reports end of file: the program and everything else holding the terminal
   * exited, or {@link #close()} was called. The read loop runs on a platform thread "pty-read PID";
   * the caller waits for it. Callable once.
   *
   * <p>If the caller is interrupted while waiting, the terminal is {@link #close() closed} (the
   * only way to stop the native read), and {@link InterruptedException} is thrown.
   *
   * @return the number of bytes copied
   * @throws IOException if {@code sink} failed (reading stops; the terminal stays open), or the
   *     task group takes no more tasks
   */
  public long pumpOutputTo(OutputStream sink) throws IOException, InterruptedException {
    if (!pumping.compareAndSet(false, true)) {
      throw new IllegalStateException("the output is already being pumped");
    }
    return onPlatformThread("pty-read " + pid, () -> copyOutput(sink), reader -> close());
  }

  /** Where typed bytes come from: a channel's {@link et.core.Channel#drainTo}, or a test's keys. */
  @FunctionalInterface
  public interface Keys {
    /** Gives every key to {@code keyboard} until the keys end; returns how many bytes. */
    long typeInto(ChannelSink keyboard) throws IOException;
  }

  /**
   * Types {@code keys} into the terminal on the caller's thread until they end or the terminal
   * refuses bytes (closed). Keys go in without waiting while the terminal has room; once its input
   * is full, the rest of those keys waits on a platform thread "pty-type PID" (a native wait would
   * pin a virtual caller's carrier), which ends when they are in. {@link ChannelSink#offer Offered}
   * keys go in on whichever thread offers them: no hand-off to another thread per keystroke.
   * Callable once.
   *
   * <p>If the caller is interrupted while waiting for keys or for room, {@link
   * InterruptedException} is thrown; a write already waiting for room completes, or fails when the
   * terminal closes.
   *
   * @return the number of bytes typed
   * @throws IOException if {@code keys} failed or the terminal refused bytes
   */
  public long pumpInputFrom(Keys keys) throws IOException, InterruptedException {
    if (!typing.compareAndSet(false, true)) {
      throw new IllegalStateException("input is already being pumped");
    }
    try {
      return keys.typeInto(keyboard);
    } catch (InterruptedIOException e) {
      Thread.interrupted(); // the exception carries the interrupt from here
      throw (InterruptedException) new InterruptedException("typing into pid " + pid + ": " + e.getMessage()).initCause(e);
    }
  }

  /** Writes all of the bytes once the terminal has room: on a platform thread where the caller is virtual. */
  private void typeWhenRoom(byte[] bytes, int offset, int length) throws IOException {
    if (!Thread.currentThread().isVirtual()) {
      master.write(bytes, offset, length);
      return;
    }
    try {
      // An interrupt cannot end the native wait: the write completes, or fails when the terminal closes.
      onPlatformThread("pty-type " + pid, () -> {
        master.write(bytes, offset, length);
        return (long) length;
      }, writer -> {});
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while the terminal of pid " + pid + " was full");
    }
  }

  /**
   * Runs {@code copy} as a task {@code role} on a platform thread (its native calls would pin a
   * virtual caller's carrier) and waits for it. If the caller is interrupted meanwhile, {@code
   * onInterrupt} gets that thread (once it has started), and the interrupt is thrown.
   */
  private long onPlatformThread(String role, Callable<Long> copy, Consumer<Thread> onInterrupt)
      throws IOException, InterruptedException {
    FutureTask<Long> task = new FutureTask<>(copy);
    CompletableFuture<Thread> runner = new CompletableFuture<>();
    try {
      tasks.fork(role, TaskGroup.Threads.PLATFORM, () -> {
        runner.complete(Thread.currentThread());
        task.run();
      });
    } catch (RejectedExecutionException e) {
      throw new IOException("no " + role + " for pid " + pid + ": " + e.getMessage(), e);
    }
    try {
      return task.get();
    } catch (InterruptedException e) {
      task.cancel(false); // a task not started yet never runs
      runner.thenAccept(onInterrupt);
      throw e;
    } catch (ExecutionException e) {
      throw Waits.rethrow(e);
    }
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("terminal closed");
    }
  }

  private long copyOutput(OutputStream sink) throws IOException {
    byte[] chunk = new byte[READ_CHUNK];
    long copied = 0;
    while (true) {
      int n;
      try {
        n = master.read(chunk, 0, chunk.length);
      } catch (IOException e) {
        if (closed) {
          break; // closed under the read
        }
        throw e;
      }
      if (n < 0) {
        break;
      }
      sink.write(chunk, 0, n);
      sink.flush();
      copied += n;
    }
    Logger.debug("pty: output of pid {} ended after {} bytes", pid, copied);
    return copied;
  }

  /**
   * Sets the terminal's size; the kernel sends SIGWINCH to the foreground process group. Does
   * nothing once closed.
   */
  public void resize(int columns, int rows) {
    checkSize(columns, rows);
    closeLock.lock();
    try {
      if (!closed) {
        process.setWinSize(new WinSize(columns, rows));
      }
    } finally {
      closeLock.unlock();
    }
  }

  /** Completes with the program's exit status when it has exited. */
  public CompletableFuture<Integer> exited() {
    return exit.copy();
  }

  /** The exit status, or empty if the program is still running after {@code timeout}. */
  public Optional<Integer> waitFor(Duration timeout) throws InterruptedException {
    return Waits.exitStatus(exit, timeout);
  }

  /** {@link #close(Duration)} with {@link #CLOSE_GRACE}. */
  @Override
  public void close() {
    close(CLOSE_GRACE);
  }

  /**
   * Ends the terminal like a hang-up: refuses further input (failing writes in progress, also
   * those blocked on a full terminal), sends SIGHUP to the
   * program's process group, closes the PTY (the kernel hangs up the terminal, the output pump
   * sees end of file), and sends SIGKILL if the program has not exited after {@code grace}.
   * Returns once the program has exited (or after a bounded wait if even SIGKILL did not get it
   * reaped). Idempotent; concurrent callers return when the first has finished.
   *
   * <p>Processes the shell put in their own groups (jobs) get the kernel's hang-up of the terminal;
   * those that ignore it ({@code nohup}) survive, as after an ssh logout.
   */
  public void close(Duration grace) {
    closeLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      // Signal only while the leader is unreaped: its pid (= group id) cannot be reused before.
      if (!exit.isDone()) {
        Libc.killGroup(pid, Libc.SIGHUP);
      }
      closeMaster(); // the kernel hangs up the terminal
      if (!Waits.doneWithinUninterruptibly(exit, grace)) {
        Logger.warn("pty: pid {} still running {} ms after SIGHUP, sending SIGKILL", pid, grace.toMillis());
        Libc.killGroup(pid, Libc.SIGKILL);
        if (!Waits.doneWithinUninterruptibly(exit, AFTER_KILL)) {
          Logger.error("pty: pid {} not reaped {} ms after SIGKILL", pid, AFTER_KILL.toMillis());
        }
      }
    } finally {
      closeLock.unlock();
    }
  }

  private void awaitExit() {
    try {
      int status = process.waitFor();
      Logger.debug("pty: pid {} exited with {}", pid, status);
      exit.complete(status);
    } catch (Throwable e) {
      exit.completeExceptionally(e);
    }
  }

  /** Ends reads and writes, and closes the PTY master once none is in a system call. */
  private void closeMaster() {
    try {
      if (!master.shutDown(LEAVE_CALLS)) {
        Logger.warn("pty: a write to pid {} stays blocked: its terminal stays open", pid);
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Logger.warn("pty: interrupted while closing the terminal of pid {}: it stays open", pid);
      return;
    }
    closeQuietly(process.getInputStream()); // pty4j closes the master with its streams
    closeQuietly(process.getOutputStream());
  }

  private void closeQuietly(AutoCloseable stream) {
    try {
      stream.close();
    } catch (Exception e) {
      Logger.debug("pty: closing a stream of pid {}: {}", pid, e.toString());
    }
  }

  private static void checkSize(int columns, int rows) {
    if (columns < 1 || columns > 0xFFFF || rows < 1 || rows > 0xFFFF) {
      throw new IllegalArgumentException("terminal size " + columns + "x" + rows);
    }
  }
}
