package et.server.pty;

import et.core.ChannelSink;
import et.core.task.TaskGroup;
import et.server.process.CommandSpec;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.tinylog.Logger;

/**
 * Types single keys into {@code cat} in a throwaway PTY and waits for each echo, so that the JIT
 * compiles a terminal session's keystroke path on the server (the input and output pumps, the
 * native reads and writes) before the first real keystroke needs it. Like {@link
 * et.core.warmup.Warmup} for the session's own path; a fresh session host otherwise runs the PTY
 * path in the interpreter for its first few hundred keys (docs/BENCHMARKS.md).
 *
 * <p>Everything runs in a task group "warmup terminal" owned by the caller, so it nests in the
 * caller's task tree.
 *
 * <p>The terminal's line discipline echoes each key, so the echo does not depend on {@code cat};
 * a newline every {@value #LINE} keys keeps the line buffer from filling up.
 */
public final class TerminalWarmup {
  private static final int LINE = 60;
  private static final Duration ECHO_TIMEOUT = Duration.ofSeconds(2);
  /**
   * The keys are spread over this many terminals, one after the other, so the JIT sees terminals
   * close while it profiles (as {@link et.core.warmup.Warmup} does with sessions): the end of the first
   * real one then finds its branch compiled, rather than sending the typing path back to the
   * interpreter.
   */
  private static final int TERMINALS = 3;
  /** Queued after the last key: the typing ends. */
  private static final byte[] END = new byte[0];

  private TerminalWarmup() {}

  /**
   * Starts {@code /bin/true} in a terminal and waits for its end (at most {@link #ECHO_TIMEOUT}):
   * loads pty4j, JNA and their native part as a session's first terminal would, so that one starts
   * as fast as later ones. A failure is logged and leaves the session to meet it.
   *
   * @return whether the program ran to its end
   */
  public static boolean preload(Path directory) throws InterruptedException {
    Boolean ran = TaskGroup.callAsOwner("warmup pty", group -> {
      try (TerminalProcess pty = TerminalProcess.start(CommandSpec.of(directory, "/bin/true"), "dumb", 80, 24, group)) {
        return pty.exited().get(ECHO_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS) == 0;
      } catch (IOException | ExecutionException | TimeoutException e) {
        Logger.debug("terminal preload: {}", e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return false;
    });
    return Boolean.TRUE.equals(ran);
  }

  /**
   * Types up to {@code keys} keys, stopping at {@code budget}, at the first echo that does not
   * come within 2 s, or when the calling thread is interrupted (the interrupt stays set).
   *
   * @return the keys echoed; 0 if no terminal could be started (logged)
   */
  public static int run(Path directory, int keys, Duration budget) {
    if (Thread.currentThread().isInterrupted()) {
      return 0;
    }
    long deadline = System.nanoTime() + budget.toNanos();
    try {
      Integer done = TaskGroup.callAsOwner("warmup terminal", group -> typeIntoTerminals(group, directory, keys, deadline));
      return done == null ? 0 : done;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  private static int typeIntoTerminals(TaskGroup group, Path directory, int keys, long deadline) {
    int done = 0;
    for (int terminal = 0; terminal < TERMINALS && done < keys; terminal++) {
      if (Thread.currentThread().isInterrupted()) {
        break;
      }
      int left = TERMINALS - terminal;
      int share = (keys - done + left - 1) / left;
      int typed = typeIntoNewTerminal(group, directory, share, deadline);
      done += typed;
      if (typed < share) {
        break; // no terminal, an echo that did not come, the budget or an interrupt
      }
    }
    return done;
  }

  private static int typeIntoNewTerminal(TaskGroup group, Path directory, int keys, long deadline) {
    BlockingQueue<byte[]> typed = new ArrayBlockingQueue<>(1);
    AtomicLong echoed = new AtomicLong();
    Thread waiter = Thread.currentThread();
    TerminalProcess pty;
    try {
      // cat ignores the hang-up, as a shell takes its time over one: close() then finds the
      // output pump still waiting for output, as at a real session's end.
      CommandSpec cat = CommandSpec.of(directory, "/bin/sh", "-c", "trap '' HUP; exec cat");
      pty = TerminalProcess.start(cat, "dumb", 80, 24, group);
    } catch (IOException e) {
      Logger.debug("terminal warm-up skipped: {}", e.toString());
      return 0;
    }
    try {
      group.fork("output", () -> pump(() -> pty.pumpOutputTo(countingSink(echoed, waiter))));
      group.fork("input", () -> pump(() -> pty.pumpInputFrom(keyboard -> type(typed, keyboard))));
      int done = 0;
      byte[] key = {'k'};
      byte[] newline = {'\n'};
      while (done < keys && System.nanoTime() < deadline && !waiter.isInterrupted()) {
        long before = echoed.get();
        typed.put(done % LINE == LINE - 1 ? newline : key);
        long echoDeadline = System.nanoTime() + ECHO_TIMEOUT.toNanos();
        while (echoed.get() == before && System.nanoTime() < echoDeadline && !waiter.isInterrupted()) {
          LockSupport.parkNanos(ECHO_TIMEOUT.toNanos());
        }
        if (echoed.get() == before) {
          break;
        }
        done++;
      }
      return done;
    } catch (InterruptedException e) {
      waiter.interrupt();
      return 0;
    } finally {
      typed.clear();
      typed.offer(END); // ends the input pump, which waits for the next key
      // cat exits at the hang-up of its terminal; an interrupt would leave the terminal open.
      boolean interrupted = Thread.interrupted();
      pty.close();
      if (interrupted) {
        waiter.interrupt();
      }
    }
  }

  private interface Pump {
    long run() throws IOException, InterruptedException;
  }

  private static void pump(Pump pump) {
    try {
      pump.run();
    } catch (IOException e) {
      // the terminal closed: the warm-up is over
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static OutputStream countingSink(AtomicLong echoed, Thread waiter) {
    return new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) {
        echoed.addAndGet(length);
        LockSupport.unpark(waiter);
      }
    };
  }

  /**
   * Types each queued key as a session does: offered first, as the socket reader does, and
   * written by the typing thread if the terminal did not take it. Ends at {@link #END}, or when
   * interrupted.
   */
  private static long type(BlockingQueue<byte[]> keys, ChannelSink keyboard) throws IOException {
    long typed = 0;
    try {
      while (true) {
        byte[] key = keys.take();
        if (key == END) {
          return typed;
        }
        int taken = keyboard.offer(key, 0, key.length);
        if (taken < key.length) {
          keyboard.write(key, taken, key.length - taken);
        }
        typed += key.length;
      }
    } catch (InterruptedException e) {
      throw new InterruptedIOException("warm-up over");
    }
  }
}
