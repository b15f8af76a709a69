package et.server.pty;

import et.core.task.TaskGroup;
import et.server.process.CommandSpec;
import et.testkit.CapturedOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link TerminalProcess} with its output pumped into a {@link CapturedOutput} by a virtual
 * thread (which waits while the process's own platform thread reads), for tests to type into (on
 * their own thread, straight into the terminal) and read. Its tasks run in a group "t" of their own
 * ("t pty-read PID": short names, as the kernel knows a thread by its first 15 bytes).
 */
final class RunningTerminal implements AutoCloseable {
  /** Set through PS1 so the tests can tell when the shell waits for a command. */
  static final String PROMPT = "ET_PROMPT$ ";

  final TerminalProcess terminal;
  final TaskGroup tasks;
  final CapturedOutput output = new CapturedOutput();
  /** Completes with the pump's byte count once the terminal's output ended. */
  final CompletableFuture<Long> pump = new CompletableFuture<>();

  private RunningTerminal(TerminalProcess terminal, TaskGroup tasks) {
    this.terminal = terminal;
    this.tasks = tasks;
    Thread.ofVirtual()
        .name("test-pump " + terminal.pid())
        .start(
            () -> {
              try {
                pump.complete(terminal.pumpOutputTo(output));
              } catch (Throwable e) {
                pump.completeExceptionally(e);
              }
            });
  }

  static RunningTerminal start(CommandSpec command, String term, int columns, int rows) throws IOException {
    TaskGroup tasks = TaskGroup.startRoot("t");
    try {
      return new RunningTerminal(TerminalProcess.start(command, term, columns, rows, tasks), tasks);
    } catch (IOException | RuntimeException e) {
      tasks.close();
      throw e;
    }
  }

  /**
   * An interactive bash without any start-up files (no user configuration to vary the output), with
   * the prompt {@link #PROMPT}, no inputrc and no history file; {@code extra} adds variables.
   */
  static CommandSpec plainBash(Path directory, Map<String, String> extra) {
    Map<String, String> environment = new HashMap<>(extra);
    environment.put("PS1", PROMPT);
    environment.put("INPUTRC", "/dev/null");
    environment.put("HISTFILE", "/dev/null");
    return CommandSpec.of(directory, "/bin/bash", "--norc", "--noprofile", "-i").withEnvironment(environment);
  }

  static RunningTerminal plainBash(Path directory) throws IOException {
    return start(plainBash(directory, Map.of()), "xterm-256color", 80, 24);
  }

  /**
   * Typing into the terminal on the caller's thread: each write returns once its bytes are in the
   * PTY (it blocks while the PTY's input is full) and throws once the terminal is closed.
   */
  OutputStream keyboard() {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        terminal.keyboard().write(bytes, offset, length);
      }
    };
  }

  void type(String text) throws IOException {
    keyboard().write(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Waits for the next prompt after {@code from}; returns the offset just past it. */
  int awaitPrompt(int from, Duration timeout) throws InterruptedException {
    return output.await(PROMPT, from, timeout);
  }

  @Override
  public void close() {
    terminal.close();
    tasks.close();
  }
}
