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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test program of this module's ({@link RefusingPeer}, {@link IdleFlood}) running as a process
 * of its own, inside a lab namespace: it prints "ready" once it works, then one word per event,
 * which this counts. Closing it undoes what was set up around it and ends the process.
 */
public final class LabProgram implements AutoCloseable {
  private static final Duration START_LIMIT = Duration.ofSeconds(20);

  private final Process process;
  private final Map<String, AtomicInteger> events = new ConcurrentHashMap<>();
  private final CountDownLatch ready = new CountDownLatch(1);
  private final List<Runnable> undo = new ArrayList<>();

  private LabProgram(Process process, String name) {
    this.process = process;
    Thread.ofVirtual().name(name + " output").start(this::countLines);
  }

  /** Starts {@code main} with {@code args} under {@code prefix} (a namespace) and waits until it is ready. */
  static LabProgram start(List<String> prefix, Class<?> main, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of(javaCommand(), "-cp", classPath(), main.getName()));
    command.addAll(List.of(args));
    LabProgram program = new LabProgram(new ProcessBuilder(command).redirectErrorStream(true).start(), main.getSimpleName());
    if (!program.ready.await(START_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
      program.close();
      throw new IOException(main.getSimpleName() + " was not ready within " + START_LIMIT.toSeconds() + " s: " + command);
    }
    return program;
  }

  /** How many times the program has printed {@code event} so far. */
  public int count(String event) {
    AtomicInteger seen = events.get(event);
    return seen == null ? 0 : seen.get();
  }

  void onClose(Runnable step) {
    undo.add(step);
  }

  private void countLines() {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.equals("ready")) {
          ready.countDown();
        } else if (line.matches("[a-z]+")) {
          events.computeIfAbsent(line, word -> new AtomicInteger()).incrementAndGet();
        } else {
          System.err.println("lab program: " + line);
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
      return Path.of(LabProgram.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("where this module was loaded from", e);
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
