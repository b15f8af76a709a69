package et.bench;

import et.core.SessionCredentials;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A child JVM running {@link IdleClients}: same java executable and class path as this one, its
 * own heap. Talks to it over stdin/stdout; its stderr (logs) goes to ours.
 */
final class ClientProcess implements AutoCloseable {
  private static final String CHILD_HEAP = "-Xmx1g";

  /** What the child answered to SYNC. */
  record Ready(int sessions, long usedHeapBytes) {}

  private final Process process;
  private final PrintWriter commands;
  private final BufferedReader answers;

  private ClientProcess(Process process) {
    this.process = process;
    this.commands = new PrintWriter(process.outputWriter(StandardCharsets.UTF_8), false);
    this.answers =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  static ClientProcess start(int port, boolean openChannel) throws IOException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElseThrow(() -> new IOException("cannot tell which java runs this JVM"));
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            java,
            "--enable-preview",
            CHILD_HEAP,
            "-cp",
            System.getProperty("java.class.path"),
            IdleClients.class.getName(),
            Integer.toString(port)));
    if (openChannel) {
      command.add("--channel");
    }
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    return new ClientProcess(process);
  }

  /** Asks the child to connect to one more session; the secret travels over its stdin. */
  void connect(SessionCredentials credentials) {
    commands.println("SESSION " + credentials.id() + " " + credentials.encodedSecret());
  }

  /** Waits until the child has connected every session so far; returns its heap reading. */
  Ready sync(Duration timeout) throws IOException, InterruptedException {
    commands.println("SYNC");
    commands.flush();
    CompletableFuture<String> line = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .name("child-answer")
        .start(
            () -> {
              try {
                line.complete(answers.readLine());
              } catch (IOException e) {
                line.completeExceptionally(e);
              }
            });
    String answer;
    try {
      answer = line.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new IOException("client process did not answer within " + timeout);
    } catch (ExecutionException e) {
      throw new IOException("reading the client process failed", e.getCause());
    }
    if (answer == null || !answer.startsWith("READY ")) {
      throw new IOException("client process answered: " + answer);
    }
    String[] words = answer.split(" ");
    return new Ready(Integer.parseInt(words[1]), Long.parseLong(words[2]));
  }

  /** Tells the child to exit; kills it if it has not within a few seconds. */
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
