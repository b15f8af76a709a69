package et.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The user's et agent for a benchmark run ({@code launcher/et-agent --foreground}), where the
 * benchmark's ets look for it: their HOME is the run's directory ({@link PtySession}) and they have
 * no XDG_RUNTIME_DIR. While it runs, every et on a terminal is the thin client handing its terminal
 * to it; closing stops it.
 */
final class BenchAgent implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final Process process;

  private BenchAgent(Process process) {
    this.process = process;
  }

  /** Starts the agent and waits until it serves (after its warm-up). */
  static BenchAgent start(Path repo, Path runDir) throws IOException, InterruptedException {
    Path output = runDir.resolve("agent.out");
    ProcessBuilder command = new ProcessBuilder(repo.resolve("launcher/et-agent").toString(), "--foreground")
        .directory(runDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(output.toFile());
    command.environment().put("HOME", runDir.toString());
    command.environment().remove("XDG_RUNTIME_DIR");
    BenchAgent agent = new BenchAgent(command.start());
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!Files.readString(output).contains("serving on")) {
      if (!agent.process.isAlive() || System.nanoTime() > deadline) {
        agent.close();
        throw new IllegalStateException("the et agent did not start: " + Files.readString(output));
      }
      Thread.sleep(100);
    }
    return agent;
  }

  Process process() {
    return process;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }
}
