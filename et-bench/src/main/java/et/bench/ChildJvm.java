package et.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running one of this module's mains: same java executable and class path as this one,
 * its own heap, so what it holds is measured apart from us. We talk to it in lines over its stdin
 * and stdout (pipes, so secrets never show on a command line); its stderr (logs) goes to ours. A
 * daemon thread reads its stdout into a queue, so every read can have a deadline.
 */
final class ChildJvm implements AutoCloseable {
  /** Stands for the end of the child's stdout in {@link #lines}. */
  private static final String END_OF_OUTPUT = "\0end";

  private final Process process;
  private final PrintWriter commands;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private ChildJvm(Process process) {
    this.process = process;
    this.commands = new PrintWriter(process.outputWriter(StandardCharsets.UTF_8), false);
    var answers =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    Thread.ofPlatform().daemon().name("child-" + process.pid() + "-stdout").start(() -> {
      try {
        for (String line; (line = answers.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the child is gone: same as the end of its output
      }
      lines.add(END_OF_OUTPUT);
    });
  }

  /** Starts {@code main} with {@code jvmOptions} (e.g. a heap limit) and {@code args}. */
  static ChildJvm start(Class<?> main, List<String> jvmOptions, List<String> args) throws IOException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElseThrow(() -> new IOException("cannot tell which java runs this JVM"));
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("--enable-preview");
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(args);
    return new ChildJvm(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
  }

  /** A started child that printed {@code PORT <port>}: the port it listens on. */
  record Listening(ChildJvm child, int port) {}

  /**
   * Starts {@code main} with {@code jvmOptions} and no arguments, then waits up to {@code timeout}
   * for its {@code PORT <port>} line; ends it if that does not come.
   */
  static Listening startListening(Class<?> main, List<String> jvmOptions, Duration timeout)
      throws IOException, InterruptedException {
    ChildJvm child = start(main, jvmOptions, List.of());
    try {
      return new Listening(child, Integer.parseInt(child.expect("PORT", timeout)));
    } catch (IOException | RuntimeException e) {
      child.close();
      throw e;
    }
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  /** Sends one command line (buffered until {@link #flush}). */
  void send(String line) {
    commands.println(line);
  }

  void flush() {
    commands.flush();
  }

  /** The child's next line of output; fails when none comes within {@code timeout} or it ended. */
  String receive(Duration timeout) throws IOException, InterruptedException {
    String line = lines.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (line == null) {
      throw new IOException("child " + process.pid() + " did not answer within " + timeout);
    }
    if (line.equals(END_OF_OUTPUT)) {
      lines.add(END_OF_OUTPUT); // later reads fail the same way
      throw new IOException("child " + process.pid() + " ended its output");
    }
    return line;
  }

  /**
   * The rest of the child's next line, which must start with {@code keyword} and a space; fails
   * when another line comes, or none within {@code timeout}.
   */
  String expect(String keyword, Duration timeout) throws IOException, InterruptedException {
    String line = receive(timeout);
    if (!line.startsWith(keyword + " ")) {
      throw new IOException("expected " + keyword + " from child " + process.pid() + ", got: " + line);
    }
    return line.substring(keyword.length() + 1);
  }

  /** Tells the child to EXIT; kills it if it has not within a few seconds. */
  @Override
  public void close() {
    commands.println("EXIT");
    commands.flush();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
