package et.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running {@link RefusingPeer} process (see {@link NetLab#forgeRefusals}): counts the refusals
 * it sent; closing it undoes the redirect and ends the process.
 */
public final class ForgedRefusals implements AutoCloseable {
  private static final Duration START_LIMIT = Duration.ofSeconds(20);

  private final Process process;
  private final AtomicInteger refused = new AtomicInteger();
  private final CountDownLatch listening = new CountDownLatch(1);
  private final List<Runnable> undo = new ArrayList<>();

  private ForgedRefusals(Process process) {
    this.process = process;
    Thread.ofVirtual().name("refusing peer output").start(this::countLines);
  }

  /** Starts a RefusingPeer on {@code port} under {@code prefix} (a namespace) and waits until it listens. */
  static ForgedRefusals start(List<String> prefix, int port) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of(javaCommand(), "-cp", classPath(), RefusingPeer.class.getName(), Integer.toString(port)));
    ForgedRefusals forger = new ForgedRefusals(new ProcessBuilder(command).redirectErrorStream(true).start());
    if (!forger.listening.await(START_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
      forger.close();
      throw new IOException("the refusing peer did not listen within " + START_LIMIT.toSeconds() + " s: " + command);
    }
    return forger;
  }

  /** Refusals sent so far. */
  public int refused() {
    return refused.get();
  }

  void onClose(Runnable step) {
    undo.add(step);
  }

  private void countLines() {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        switch (line) {
          case "listening" -> listening.countDown();
          case "refused" -> refused.incrementAndGet();
          default -> System.err.println("refusing peer: " + line);
        }
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  private static String javaCommand() {
    return ProcessHandle.current().info().command().orElseThrow(() -> new IllegalStateException("no path to this JVM"));
  }

  private static String classPath() {
    try {
      return Path.of(RefusingPeer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("where RefusingPeer was loaded from", e);
    }
  }

  @Override
  public void close() {
    try {
      undo.reversed().forEach(Runnable::run);
    } finally {
      process.destroyForcibly();
    }
  }
}
