package et.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external command to its end: feeds the given stdin bytes (or /dev/null) on a virtual
 * thread, captures stdout and stderr ({@link CapturedOutput}, each on a thread of its own), and
 * kills the command's process tree if it has not exited within the timeout.
 */
public final class Commands {
  /** Bytes kept of each of stdout and stderr; the rest is read and discarded. */
  public static final int OUTPUT_LIMIT = 4 << 20;

  private static final Duration KILL_GRACE = Duration.ofSeconds(3);
  // After the exit the pipes end at once, unless a background child of the command holds them.
  private static final Duration STREAM_END_GRACE = Duration.ofSeconds(2);

  private Commands() {}

  /** Runs {@code command} with stdin from /dev/null. */
  public static CommandResult run(List<String> command, Duration timeout) {
    return run(command, null, timeout);
  }

  /**
   * Runs {@code command}, writing {@code stdin} (then closing it) or, when null, giving it
   * /dev/null. Throws {@link CommandTimeoutException} after killing it if it runs past {@code
   * timeout}.
   */
  public static CommandResult run(List<String> command, byte[] stdin, Duration timeout) {
    ProcessBuilder builder = new ProcessBuilder(command);
    if (stdin == null) {
      builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }
    long start = System.nanoTime();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    String name = new File(command.getFirst()).getName() + "-" + process.pid();
    CapturedOutput out = capture(process.getInputStream(), name + "-stdout");
    CapturedOutput err = capture(process.getErrorStream(), name + "-stderr");
    if (stdin != null) {
      Thread.ofVirtual().name(name + "-stdin").start(() -> feed(process.getOutputStream(), stdin));
    }
    try {
      if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        Processes.killTree(process.toHandle(), KILL_GRACE);
        out.endsWithin(STREAM_END_GRACE);
        err.endsWithin(STREAM_END_GRACE);
        throw new CommandTimeoutException(command, timeout, out.text(), err.text());
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      out.endsWithin(STREAM_END_GRACE);
      err.endsWithin(STREAM_END_GRACE);
      return new CommandResult(
          process.exitValue(), out.text(), err.text(), elapsed, out.truncated() || err.truncated());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }

  /** Like {@link #run(List, Duration)} but a status other than 0 is an error naming the output. */
  public static CommandResult check(List<String> command, Duration timeout) {
    CommandResult result = run(command, timeout);
    if (!result.succeeded()) {
      throw new IllegalStateException(command + " failed: " + result);
    }
    return result;
  }

  /** The first {@link #OUTPUT_LIMIT} bytes of {@code in}, read on a thread named {@code name}. */
  private static CapturedOutput capture(InputStream in, String name) {
    return new CapturedOutput(StandardCharsets.UTF_8, OUTPUT_LIMIT).readFrom(in, name);
  }

  private static void feed(OutputStream stdin, byte[] bytes) {
    try (stdin) {
      stdin.write(bytes);
    } catch (IOException e) {
      // The command exited or closed its stdin without reading everything: its choice.
    }
  }
}
