package et.server.pty;

import et.testkit.CapturedOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link TerminalProcess} with its output pumped into a {@link CapturedOutput} by a virtual thread
 * (which waits while the process's own platform thread reads), for tests to type into and read.
 */
final class RunningTerminal implements AutoCloseable {
  /** Set through PS1 so the tests can tell when the shell waits for a command. */
  static final String PROMPT = "ET_PROMPT$ ";

  final TerminalProcess terminal;
  final CapturedOutput output = new CapturedOutput();
  /** Completes with the pump's byte count once the terminal's output ended. */
  final CompletableFuture<Long> pump = new CompletableFuture<>();

  private RunningTerminal(TerminalProcess terminal) {
    this.terminal = terminal;
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
    return new RunningTerminal(TerminalProcess.start(command, term, columns, rows));
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

  void type(String text) throws IOException {
    terminal.input().write(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Waits for the next prompt after {@code from}; returns the offset just past it. */
  int awaitPrompt(int from, Duration timeout) throws InterruptedException {
    return output.await(PROMPT, from, timeout);
  }

  @Override
  public void close() {
    terminal.close();
  }
}
