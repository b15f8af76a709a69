package et.server;

import et.core.SessionCredentials;
import et.core.task.TaskGroup;
import et.server.request.HostLogging;
import et.server.request.HostPaths;
import et.terminal.BootstrapException;
import et.terminal.BootstrapNonce;
import et.terminal.BootstrapReply;
import et.terminal.BootstrapRequest;
import et.terminal.HostRequest;
import et.terminal.ListRequest;
import et.terminal.PrivateDirectory;
import et.terminal.PrivateSocketServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * The training run of etterminal's AOT cache (launcher/lib.sh, {@code et_record_aot_caches}): what a
 * real etterminal does, logging set up in a file, a list of sessions with no host running, and
 * requests (the list of sessions, a new session) handed over the host's socket and answered, in a
 * scratch home and runtime directory. The answers come from a stand-in for the session host, not a
 * {@code SessionHost} in this JVM: the cache would then hold the host's classes too, which
 * etterminal never uses and loads at every start (an AOT-linked cache loads all its classes;
 * docs/BENCHMARKS.md). Prints nothing.
 */
public final class EtterminalTraining {
  private static final Duration REQUEST_DEADLINE = Duration.ofSeconds(10);

  private EtterminalTraining() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    try (TrainingHome home = new TrainingHome("et-etterminal-training")) {
      HostPaths paths = home.paths();
      HostLogging.terminalToFile(paths.terminalLogFile(), "info");
      PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
      Etterminal.run(new String[] {"--version"}, new ByteArrayInputStream(new byte[0]), discard, discard, home.env());
      // No host yet, as on a first run: etterminal logs that none answers (its first log line sets
      // up the log writer, the date format and the message formatter's locale data) and answers.
      home.ask(new ListRequest(BootstrapNonce.random()).toLine());
      PrivateDirectory.ensure(paths.runtimeDir());
      TaskGroup tasks = TaskGroup.startRoot("training host");
      try (PrivateSocketServer host = PrivateSocketServer.bind(paths.socket(), "training host", REQUEST_DEADLINE, 2)) {
        tasks.fork("accept", () -> host.acceptLoop(tasks, "request", EtterminalTraining::answerAsHost));
        home.ask(new ListRequest(BootstrapNonce.random()).toLine());
        home.ask(new BootstrapRequest(BootstrapNonce.random(), "xterm-256color", 80, 24, Optional.empty(), false,
            new LinkedHashMap<>()).toLine());
      } finally {
        tasks.close();
        tasks.awaitEnd(REQUEST_DEADLINE);
      }
    }
  }

  /**
   * A session host's answers, made up: those of a host with no session ({@link
   * Etterminal#answerWithoutHost}), and a session no server holds.
   */
  private static Optional<String> answerAsHost(String line) throws IOException {
    try {
      BootstrapReply reply = switch (HostRequest.parse(line)) {
        case BootstrapRequest request -> new BootstrapReply.Session(request.nonce(), SessionCredentials.generate(), 2022);
        case HostRequest other -> Etterminal.answerWithoutHost(other)
            .orElseGet(() -> new BootstrapReply.Error(other.nonce(), "not in the training"));
      };
      return Optional.of(reply.toLine());
    } catch (BootstrapException e) {
      throw new IOException(e);
    }
  }
}
