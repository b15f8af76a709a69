package et.client;

import et.client.cli.ClientOptions;
import et.client.cli.SshCommand;
import et.core.task.TaskGroup;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Where et's own connection goes: the host the user's ssh would connect to for the destination, so
 * that an alias from ~/.ssh/config ({@code Host work} with {@code HostName 10.1.2.3}), a {@code -F}
 * file in {@code --ssh} or {@code --ssh-option HostName=...} lead et where they lead ssh. It asks
 * ssh itself ({@link SshCommand#configQuery}, which prints the configuration without connecting)
 * and reads the {@code hostname} line ({@link SshConfigDump}) and the forwardings ({@link
 * SshForwardings}).
 *
 * <p>When ssh cannot say (it fails, prints no usable host name, prints more than
 * {@value #MAX_OUTPUT_BYTES} bytes, or takes longer than the timeout), the host is used as given,
 * and the note (shown with {@code --verbose}) says why. The command carries nothing secret: it is
 * built from the same words as the bootstrap's, without the terminal path.
 *
 * <p>ssh's stdin is /dev/null (it must never wait for input), and its stderr is read with its
 * stdout: ssh reports bad options and configuration errors before it prints the dump, so a failure
 * message can quote them, and only a line whose keyword is {@code hostname} is ever taken.
 */
final class SshHostLookup {

  static final Duration TIMEOUT = Duration.ofSeconds(5);
  /** The dump is about 4 KiB; a configuration with many identity files or forwards stays far below this. */
  static final int MAX_OUTPUT_BYTES = 64 * 1024;
  private static final int SHOWN_CHARS = 200;

  private final List<String> argv;
  private final LocalProcesses processes;
  private final String host;
  private final Duration timeout;
  private final Consumer<String> note;
  private final TaskGroup tasks;

  /** The lookup for {@code options}' destination, reporting to {@code note}; its reader a task of {@code tasks}. */
  SshHostLookup(ClientOptions options, LocalProcesses processes, Consumer<String> note, TaskGroup tasks) {
    this(SshCommand.configQuery(options), processes, options.host(), TIMEOUT, note, tasks);
  }

  SshHostLookup(List<String> argv, LocalProcesses processes, String host, Duration timeout, Consumer<String> note,
      TaskGroup tasks) {
    this.tasks = Objects.requireNonNull(tasks, "tasks");
    this.argv = List.copyOf(argv);
    this.processes = Objects.requireNonNull(processes, "processes");
    this.host = Objects.requireNonNull(host, "host");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.note = Objects.requireNonNull(note, "note");
  }

  /** What ssh's configuration says of the host; {@code proxyJump} as ssh's ProxyJump writes it. */
  record HostConfig(String hostName, SshForwardings forwardings, Optional<String> proxyJump) {
    HostConfig(String hostName) {
      this(hostName, SshForwardings.NONE, Optional.empty());
    }
  }

  /**
   * The host name ssh would connect to and the forwardings it would make; the host as given and no
   * forwardings when ssh cannot say.
   */
  HostConfig lookUp() throws InterruptedException {
    try {
      String dump = ask();
      String found = SshConfigDump.hostName(dump)
          .orElseThrow(() -> new LookupFailure(what() + " printed no usable hostname line"));
      if (!found.equals(host)) {
        note.accept("ssh's configuration leads " + host + " to " + found);
      }
      return new HostConfig(found, SshForwardings.parse(dump), SshConfigDump.proxyJump(dump));
    } catch (LookupFailure e) {
      note.accept("using " + host + " as given: " + e.getMessage());
      return new HostConfig(host);
    }
  }

  /** ssh's configuration dump for the host. */
  private String ask() throws LookupFailure, InterruptedException {
    Process ssh = start();
    try {
      long deadline = System.nanoTime() + timeout.toNanos();
      byte[] output = await(readCapped(ssh.getInputStream()));
      if (output.length > MAX_OUTPUT_BYTES) {
        throw new LookupFailure(what() + " printed more than " + MAX_OUTPUT_BYTES + " bytes");
      }
      if (!ssh.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw new LookupFailure(what() + " did not exit within " + timeout.toMillis() + " ms");
      }
      String text = new String(output, StandardCharsets.UTF_8);
      if (ssh.exitValue() != 0) {
        String last = text.lines().filter(line -> !line.isBlank()).reduce((first, second) -> second).orElse("");
        throw new LookupFailure(what() + " exited with status " + ssh.exitValue()
            + (last.isEmpty() ? "" : ": " + Printable.escape(last, SHOWN_CHARS)));
      }
      return text;
    } finally {
      // A wrapper given as --ssh may have started something that still holds the pipe.
      ssh.descendants().forEach(ProcessHandle::destroyForcibly);
      ssh.destroyForcibly();
    }
  }

  private Process start() throws LookupFailure {
    try {
      return processes.builder(argv)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectErrorStream(true)
          .start();
    } catch (IOException e) {
      throw new LookupFailure("cannot run " + argv.getFirst() + ": " + e.getMessage());
    }
  }

  /** Reads up to one byte past the cap (so "too much" shows) or to the end, as a task "ssh -G". */
  private CompletableFuture<byte[]> readCapped(InputStream stdout) {
    CompletableFuture<byte[]> read = new CompletableFuture<>();
    tasks.fork("ssh -G", TaskGroup.Threads.PLATFORM, () -> {
      try (stdout) {
        read.complete(stdout.readNBytes(MAX_OUTPUT_BYTES + 1));
      } catch (IOException | RuntimeException e) {
        read.completeExceptionally(e);
      }
    });
    return read;
  }

  private byte[] await(CompletableFuture<byte[]> output) throws LookupFailure, InterruptedException {
    try {
      return output.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new LookupFailure(what() + " did not finish within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      throw new LookupFailure("reading what " + what() + " printed failed: " + e.getCause().getMessage());
    }
  }

  private String what() {
    return argv.getFirst() + " -G";
  }

  /** Why ssh could not say where the host leads; the message is for the user. */
  private static final class LookupFailure extends Exception {
    LookupFailure(String message) {
      super(message, null, false, false);
    }
  }
}
