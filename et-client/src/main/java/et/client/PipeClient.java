package et.client;

import et.core.Channel;
import et.core.Session;
import et.core.task.TaskGroup;
import et.terminal.TerminalChannels;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A connected session without a local terminal (docs/TERMINAL.md, "pipe mode": {@code et host -c
 * CMD} with stdin or stdout not a TTY): et's stdin goes to the {@code stdin} channel, shut at its
 * end; the {@code stdout} and {@code stderr} channels come out on et's stdout and stderr byte for
 * byte. No escapes (like ssh without a PTY) and no status line: stderr belongs to the command.
 *
 * <p>If et's own stdout or stderr fails (a reader that went away: {@code et host -c cmd | head}),
 * that channel is closed, so the server learns nobody reads it any more.
 *
 * <p>The caller waits for the session's end; "stdin" (a platform thread: a blocking read of file
 * descriptor 0, which closing the stream ends), "stdout" and "stderr" are tasks of the session's
 * group. {@link #run} closes {@code stdin} when it returns.
 */
final class PipeClient {

  /** How long the last output may take to come out after the session closed. */
  static final Duration DRAIN_WAIT = Duration.ofSeconds(5);

  private final Session session;
  private final InputStream stdin;
  private final OutputStream stdout;
  private final OutputStream stderr;
  private final String host;

  PipeClient(Session session, InputStream stdin, OutputStream stdout, OutputStream stderr, String host) {
    this.session = Objects.requireNonNull(session, "session");
    this.stdin = Objects.requireNonNull(stdin, "stdin");
    this.stdout = Objects.requireNonNull(stdout, "stdout");
    this.stderr = Objects.requireNonNull(stderr, "stderr");
    this.host = Objects.requireNonNull(host, "host");
  }

  /** Runs the session until it ends; returns et's exit status and what to tell the user. */
  Ending run() throws IOException, InterruptedException {
    Channel in = session.openChannel(TerminalChannels.STDIN);
    Channel out = session.openChannel(TerminalChannels.STDOUT);
    Channel err = session.openChannel(TerminalChannels.STDERR);
    TaskGroup tasks = session.tasks();
    try {
      tasks.tryFork("stdin", TaskGroup.Threads.PLATFORM, () -> sendInput(in));
      CompletableFuture<Void> outDone = copyInTask(tasks, "stdout", out, stdout);
      CompletableFuture<Void> errDone = copyInTask(tasks, "stderr", err, stderr);
      session.awaitEnd(); // a command may run for days
      // After an orderly close the channels drain to their end: let the last bytes out first.
      try {
        CompletableFuture.allOf(outDone, errDone).get(DRAIN_WAIT.toNanos(), TimeUnit.NANOSECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // a local output is stuck: the end is reported regardless
      }
      return Ending.of(session.end(), host);
    } finally {
      stdin.close();
    }
  }

  /**
   * Copies {@code channel} to {@code local} as a task {@code role}; here and now if the session
   * ended already (its group takes no task), so what it left still comes out.
   */
  private static CompletableFuture<Void> copyInTask(TaskGroup tasks, String role, Channel channel, OutputStream local) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!tasks.tryFork(role, () -> copyOutput(channel, local, done))) {
      copyOutput(channel, local, done);
    }
    return done;
  }

  private void sendInput(Channel in) {
    byte[] buffer = new byte[16 * 1024];
    OutputStream remote = in.output();
    try {
      for (int n; (n = stdin.read(buffer)) >= 0; ) {
        remote.write(buffer, 0, n);
      }
    } catch (IOException e) {
      // The session ended (run reports it) or our stdin failed: either way nothing more comes.
    }
    try {
      in.shutdownOutput();
    } catch (IOException e) {
      // The session ended.
    }
  }

  private static void copyOutput(Channel channel, OutputStream local, CompletableFuture<Void> done) {
    try {
      copyOutput(channel, local);
    } finally {
      done.complete(null);
    }
  }

  private static void copyOutput(Channel channel, OutputStream local) {
    InputStream remote = channel.input();
    byte[] buffer = new byte[16 * 1024];
    try {
      for (int n; (n = remote.read(buffer)) >= 0; ) {
        try {
          local.write(buffer, 0, n);
          local.flush();
        } catch (IOException localGone) {
          channel.close();
          return;
        }
      }
    } catch (IOException e) {
      // The session ended abnormally: run reports it.
    }
  }
}
