package et.client;

import et.client.cli.ClientOptions;
import et.client.cli.HostAction;
import et.client.cli.ExitCodes;
import et.client.cli.SshCommand;
import et.client.term.TerminalSize;
import et.core.task.TaskGroup;
import et.terminal.BootstrapException;
import et.terminal.BootstrapReply;
import et.terminal.BootstrapRequest;
import et.terminal.HostRequest;
import et.terminal.ReplyScanner;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SequencedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The bootstrap over the user's own ssh (docs/TERMINAL.md): runs the argv of {@link SshCommand},
 * writes ONE {@link HostRequest} line to ssh's stdin (a new session, the list, a kill), finds etterminal's answer in ssh's stdout
 * with a {@link ReplyScanner}, and turns each way this can fail into a {@link BootstrapFailure}
 * whose message says what happened.
 *
 * <p>ssh's stdin is closed right after the line. etterminal reads exactly one line, so the end of
 * input after it changes nothing there, and nothing on the remote side (a wrapper, a login script
 * reading stdin) can wait for more from us. ssh's stderr is passed on to ours as it arrives
 * ({@link StderrEcho}): its warnings and banners are for the user, while its password and 2FA
 * prompts use /dev/tty and work as usual (the local terminal is still in its normal mode here).
 *
 * <p>No deadline applies until the answer: the user may be typing a password. After it, ssh gets
 * {@link #EXIT_DEADLINE} to exit before it is stopped (the session does not need it any more).
 *
 * <p>Threads: the caller's thread writes and waits; a platform daemon thread reads ssh's stdout
 * (scanning it, then draining it so ssh never blocks on a full pipe), another reads its stderr.
 */
public final class Bootstrap {

  /** How long ssh may take to exit once etterminal answered, or once its stdout ended. */
  static final Duration EXIT_DEADLINE = Duration.ofSeconds(5);
  /** How long ssh's stdout and stderr may stay open after ssh exited (held by something it started). */
  static final Duration STREAM_GRACE = Duration.ofSeconds(2);
  static final int STDERR_TAIL_BYTES = 8192;
  /** TERM to ask for when ours is unset or is not something the request can carry. */
  static final String FALLBACK_TERM = "xterm-256color";
  /** The size to announce when the local size is unknown (no terminal). */
  static final TerminalSize FALLBACK_SIZE = new TerminalSize(80, 24);

  private static final Pattern VALID_TERM = Pattern.compile("[A-Za-z0-9._+-]{1," + BootstrapRequest.MAX_TERM_BYTES + "}");
  private static final int SHOWN_CHARS = 300;
  private static final int NOISE_LINES_SHOWN = 3;

  private final List<String> sshArgv;
  private final LocalProcesses processes;
  private final String host;
  private final String terminalPath;
  private final OutputStream stderrEcho;
  private final Consumer<String> note;
  private final TaskGroup tasks;

  /**
   * @param processes  how ssh is started (in the agent: the user's environment, batch mode)
   * @param stderrEcho where ssh's stderr goes as it arrives (et's stderr)
   * @param note       receives progress lines for {@code --verbose} (or drops them)
   * @param tasks      the group whose tasks read ssh's stdout and stderr (the client run's)
   */
  public Bootstrap(ClientOptions options, LocalProcesses processes, OutputStream stderrEcho, Consumer<String> note,
      TaskGroup tasks) {
    this(processes.ssh(SshCommand.build(options)), processes, options.host(), options.terminalPath(), stderrEcho, note,
        tasks);
  }

  /** A bootstrap that runs {@code sshArgv} to reach {@code host} (a jump host, say), named so in messages. */
  Bootstrap(List<String> sshArgv, LocalProcesses processes, String host, String terminalPath, OutputStream stderrEcho,
      Consumer<String> note, TaskGroup tasks) {
    this.tasks = Objects.requireNonNull(tasks, "tasks");
    this.sshArgv = List.copyOf(sshArgv);
    this.processes = Objects.requireNonNull(processes, "processes");
    this.host = Objects.requireNonNull(host, "host");
    this.terminalPath = Objects.requireNonNull(terminalPath, "terminalPath");
    this.stderrEcho = Objects.requireNonNull(stderrEcho, "stderrEcho");
    this.note = Objects.requireNonNull(note, "note");
  }

  /**
   * The request for {@code options}: TERM from {@code environment} (or {@value #FALLBACK_TERM}),
   * the local terminal's {@code size} (or {@link #FALLBACK_SIZE} when unknown, capped to the
   * request's range), the command and noexit, and LANG then the LC_* variables in name order, when set;
   * {@code forwardAgent} asks the host for an agent socket; {@code -x} asks it to end the user's
   * other sessions first.
   *
   * @throws IllegalArgumentException when the request breaks a cap of docs/TERMINAL.md (a command
   *     longer than the line allows), with a message for the user
   */
  public static BootstrapRequest request(
      ClientOptions options, TerminalSize size, Map<String, String> environment, boolean forwardAgent) {
    String term = environment.getOrDefault("TERM", "");
    if (!VALID_TERM.matcher(term).matches()) {
      term = FALLBACK_TERM;
    }
    TerminalSize known = size.columns() > 0 && size.rows() > 0 ? size : FALLBACK_SIZE;
    SequencedMap<String, String> env = new LinkedHashMap<>();
    if (environment.containsKey("LANG")) {
      env.put("LANG", environment.get("LANG"));
    }
    new TreeMap<>(environment).forEach((name, value) -> {
      if (name.startsWith("LC_") && env.size() < BootstrapRequest.MAX_ENV) {
        env.put(name, value);
      }
    });
    BootstrapRequest request = BootstrapRequest.create(term,
        Math.min(known.columns(), BootstrapRequest.MAX_SIZE),
        Math.min(known.rows(), BootstrapRequest.MAX_SIZE),
        options.command(), options.noexit(), env, options.noTerminal(), forwardAgent);
    return options.action() instanceof HostAction.NewSession(boolean killOthers) && killOthers
        ? request.withKillOthers()
        : request;
  }

  /**
   * Runs ssh, sends {@code request} and returns etterminal's answer, which must be of type {@code
   * expected} (a list request is answered by {@link BootstrapReply.Sessions}, a kill by {@link
   * BootstrapReply.Killed}).
   *
   * @throws BootstrapFailure when ssh fails, etterminal is missing, refuses, does not answer, or
   *     answers with another kind of line
   */
  public <T extends BootstrapReply> T answer(HostRequest request, Class<T> expected)
      throws BootstrapFailure, InterruptedException {
    try (Running ssh = start()) {
      return ssh.answer(request, expected);
    }
  }

  /**
   * Starts ssh, whose connection and login then go on while the caller prepares its request
   * ({@link Running#answer}); ssh's stderr is passed on from now.
   *
   * @throws BootstrapFailure when ssh cannot be run
   */
  public Running start() throws BootstrapFailure {
    note.accept("running: " + String.join(" ", sshArgv));
    Process ssh;
    try {
      ssh = processes.builder(sshArgv)
          .redirectInput(ProcessBuilder.Redirect.PIPE)
          .redirectOutput(ProcessBuilder.Redirect.PIPE)
          .redirectError(ProcessBuilder.Redirect.PIPE)
          .start();
    } catch (IOException e) {
      throw new BootstrapFailure("cannot run " + sshArgv.getFirst() + ": " + e.getMessage(), ExitCodes.FAILURE);
    }
    StartTimeline.mark("ssh started");
    return new Running(ssh, StderrEcho.start(ssh.getErrorStream(), stderrEcho, STDERR_TAIL_BYTES, tasks));
  }

  /** A started ssh waiting for its request; closing it stops ssh if it still runs. */
  public final class Running implements HostAnswers {
    private final Process ssh;
    private final StderrEcho stderr;
    private boolean answered;

    private Running(Process ssh, StderrEcho stderr) {
      this.ssh = ssh;
      this.stderr = stderr;
    }

    /**
     * Sends {@code request} and returns etterminal's answer, which must be of type {@code expected}.
     *
     * @throws BootstrapFailure as {@link Bootstrap#answer}
     */
    @Override
    public <T extends BootstrapReply> T answer(HostRequest request, Class<T> expected)
        throws BootstrapFailure, InterruptedException {
      ReplyScanner scanner = new ReplyScanner(request.nonce());
      // Scanning starts before the write: the remote side may print before it reads its line.
      CompletableFuture<Optional<BootstrapReply>> scanned = scanInBackground(ssh.getInputStream(), scanner);
      send(ssh, request);
      Scan scan = awaitScan(ssh, scanned);
      if (scan.reply().isPresent()) {
        StartTimeline.mark("answer");
        BootstrapReply reply = scan.reply().get();
        if (reply instanceof BootstrapReply.Error error) {
          throw new BootstrapFailure(host + " refused: " + Printable.escape(error.reason(), SHOWN_CHARS), ExitCodes.FAILURE);
        }
        if (!expected.isInstance(reply)) {
          throw new BootstrapFailure(host + ": etterminal sent a malformed answer: an ET1 " + kind(reply.toLine())
              + " line to an ET1 " + kind(request.toLine()), ExitCodes.FAILURE);
        }
        answered = true;
        awaitExitInBackground();
        return expected.cast(reply);
      }
      boolean exited = ssh.waitFor(EXIT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      OptionalInt status = exited ? OptionalInt.of(ssh.exitValue()) : OptionalInt.empty();
      stderr.awaitEnd(STREAM_GRACE); // so the tail holds ssh's last words
      throw noAnswer(status, stderr, scan.finished() ? scanner : null);
    }

    /**
     * After the answer ssh is left to exit on its own (its login session ends as the user's would),
     * while the caller goes on to connect; it is stopped if it is still there after {@link #EXIT_DEADLINE}.
     */
    private void awaitExitInBackground() {
      boolean forked = tasks.tryFork("ssh exit", () -> {
        try {
          if (!ssh.waitFor(EXIT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
            note.accept("ssh did not exit within " + EXIT_DEADLINE.toSeconds() + " s of the answer; stopping it");
            ssh.destroy();
          }
        } finally {
          if (ssh.isAlive()) {
            ssh.destroy(); // the run ended first
          }
        }
      });
      if (!forked) {
        ssh.destroy();
      }
    }

    @Override
    public void close() {
      if (!answered && ssh.isAlive()) {
        ssh.destroy();
      }
    }
  }

  /** The word after "ET1 " of a well-formed bootstrap line. */
  private static String kind(String line) {
    return line.split(" ", 3)[1];
  }

  /** Writes the line and closes ssh's stdin (see the class comment). */
  private void send(Process ssh, HostRequest request) {
    try (OutputStream stdin = ssh.getOutputStream()) {
      stdin.write((request.toLine() + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // ssh exited or closed its stdin before reading: its exit status and stderr say why.
      note.accept("could not write the request to ssh: " + e.getMessage());
    }
  }

  private CompletableFuture<Optional<BootstrapReply>> scanInBackground(InputStream stdout, ReplyScanner scanner) {
    CompletableFuture<Optional<BootstrapReply>> scanned = new CompletableFuture<>();
    tasks.fork("ssh stdout", TaskGroup.Threads.PLATFORM, () -> {
      try (stdout) {
        scanned.complete(scanner.scan(stdout));
        stdout.transferTo(OutputStream.nullOutputStream()); // what comes after is noise; ssh must not block on it
      } catch (IOException | BootstrapException | RuntimeException e) {
        scanned.completeExceptionally(e);
      }
    });
    return scanned;
  }

  /**
   * What the scan of ssh's stdout gave. Not {@code finished} when the stdout stayed open after ssh
   * exited (something ssh started holds it): the scanner is then still in use and must not be touched.
   */
  private record Scan(boolean finished, Optional<BootstrapReply> reply) {
    static final Scan UNFINISHED = new Scan(false, Optional.empty());
    static final Scan NO_REPLY = new Scan(true, Optional.empty());
  }

  /** Waits for the scan, or for ssh's exit and then at most {@link #STREAM_GRACE} for the scan. */
  private Scan awaitScan(Process ssh, CompletableFuture<Optional<BootstrapReply>> scanned)
      throws BootstrapFailure, InterruptedException {
    try {
      CompletableFuture.anyOf(scanned, ssh.onExit()).get();
      return new Scan(true, scanned.get(STREAM_GRACE.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      return Scan.UNFINISHED;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof BootstrapException malformed) {
        throw new BootstrapFailure(host + ": " + Printable.escape(malformed.getMessage(), SHOWN_CHARS), ExitCodes.FAILURE);
      }
      if (e.getCause() instanceof IOException) {
        return Scan.NO_REPLY; // reading ssh's stdout failed: no answer came
      }
      throw new IllegalStateException("scanning ssh's output failed", e.getCause());
    }
  }

  /** Why no answer came, from ssh's exit status and what it said (scanner null: its state is unknown). */
  private BootstrapFailure noAnswer(OptionalInt status, StderrEcho stderr, ReplyScanner scanner) {
    String said = Printable.escape(stderr.lastLine(), SHOWN_CHARS);
    if (status.isPresent() && status.getAsInt() == 255) {
      // ssh's own failure (it already printed its message above): exit as ssh would.
      return new BootstrapFailure("ssh to " + host + " failed (exit status 255)"
          + (said.isEmpty() ? " without saying why" : ": " + said), 255);
    }
    if ((status.isPresent() && status.getAsInt() == 127) || saysNotFound(stderr.tail())) {
      return new BootstrapFailure(terminalPath + " not found on " + host + " (set --terminal-path)", ExitCodes.FAILURE);
    }
    StringBuilder message = new StringBuilder(terminalPath + " on " + host + " did not answer (");
    message.append(status.isPresent() ? "ssh exited with status " + status.getAsInt() : "ssh did not exit");
    message.append(')');
    if (!said.isEmpty()) {
      message.append("\n  ssh's stderr ended with: ").append(said);
    }
    if (scanner == null) {
      message.append("\n  ssh's stdout stayed open after ssh exited");
    } else {
      switch (scanner.ending()) {
        case BYTE_CAP -> message.append("\n  stopped reading after " + ReplyScanner.MAX_TOTAL_BYTES + " bytes of output");
        case LINE_CAP -> message.append("\n  stopped reading after " + ReplyScanner.MAX_LINES + " lines of output");
        default -> { }
      }
      List<String> noise = scanner.noise();
      if (!noise.isEmpty()) {
        message.append("\n  its output ended with:");
        noise.subList(Math.max(0, noise.size() - NOISE_LINES_SHOWN), noise.size())
            .forEach(line -> message.append("\n    ").append(line)); // ReplyScanner escaped them
      }
    }
    return new BootstrapFailure(message.toString(), ExitCodes.FAILURE);
  }

  /**
   * A shell's "not found" for the terminal path: bash "etterminal: command not found", dash
   * "etterminal: not found", zsh "command not found: etterminal", "…/etterminal: No such file or
   * directory". Only lines naming the terminal path count: ssh may warn about a missing key file.
   */
  private boolean saysNotFound(String stderrTail) {
    return stderrTail.lines().anyMatch(line -> line.contains(terminalPath)
        && (line.contains("not found") || line.contains("No such file")));
  }
}
