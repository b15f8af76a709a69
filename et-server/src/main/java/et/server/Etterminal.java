package et.server;

import et.server.host.IdPrefixMatch;
import et.server.request.HostConnector;
import et.server.request.HostLauncher;
import et.server.request.HostLogging;
import et.server.request.HostPaths;
import et.server.request.RequestNonce;
import et.terminal.BootstrapException;
import et.terminal.BootstrapNonce;
import et.terminal.BootstrapReply;
import et.terminal.BoundedLine;
import et.terminal.HostRequest;
import et.terminal.KillRequest;
import et.terminal.ListRequest;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.tinylog.Logger;

/**
 * {@code etterminal}, the command ssh runs on the server (docs/TERMINAL.md): reads one {@link
 * HostRequest} line from stdin (a new session, the list of sessions, a kill, or a relay), hands it
 * to the user's session host over its unix socket (starting the host, detached, when none answers
 * a new session or a relay; a list or a kill is answered here then, {@link #answerWithoutHost}),
 * and prints the host's one reply line on stdout. Exit status 0 with any answer but {@code ET1 ERROR};
 * 1 with an {@code ET1 ERROR} line (when the request's nonce is known) and a message on stderr
 * otherwise.
 *
 * <p>Nothing is taken from argv but {@code --help} and {@code --version}: argv is visible to every
 * user in {@code ps}. The launcher passes the path of the et-host launcher as the system property
 * {@code et.host-launcher}.
 */
public final class Etterminal {
  static final Duration STDIN_DEADLINE = Duration.ofSeconds(10);
  static final Duration HOST_DEADLINE = Duration.ofSeconds(10);
  private static final String USAGE =
      """
      usage: etterminal [--help | --version]
      Run by ssh on behalf of the et client: reads one ET1 REQUEST, LIST, KILL or RELAY line on stdin,
      hands it to the user's session host (starting it when needed) and prints the host's one
      answer line on stdout. See docs/TERMINAL.md.
      """;

  private Etterminal() {}

  public static void main(String[] args) {
    if (args.length == 0) {
      logToFile(HostPaths.fromEnvironment(System.getenv()));
    }
    int status = run(args, System.in, System.out, System.err, System.getenv());
    System.exit(status);
  }

  private static void logToFile(HostPaths paths) {
    try {
      HostLogging.terminalToFile(paths.terminalLogFile(), "info");
    } catch (IOException e) {
      HostLogging.toStderr("etterminal");
      System.err.println("etterminal: cannot log to " + paths.terminalLogFile() + ": " + e.getMessage());
    }
  }

  /** The command with its streams and environment given; logging is the caller's to set up. */
  static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr, Map<String, String> env) {
    if (args.length > 0) {
      switch (args[0]) {
        case "--help" -> {
          stdout.print(USAGE);
          return 0;
        }
        case "--version" -> {
          stdout.println("etterminal " + Version.text());
          return 0;
        }
        default -> {
          stderr.print("etterminal: takes no arguments (the request comes on stdin)\n" + USAGE);
          return 2;
        }
      }
    }
    HostPaths paths = HostPaths.fromEnvironment(env);
    Path hostCommand = Path.of(System.getProperty("et.host-launcher", "et-host"));
    HostLauncher launcher = new HostLauncher(hostCommand, paths, env);
    return answer(stdin, stdout, stderr, new HostConnector(paths, launcher::start));
  }

  /**
   * Reads the request line from {@code stdin}, has {@code host} answer it and prints the answer on
   * {@code stdout}; returns etterminal's exit status. The session host answers a first contact
   * through this too ({@link FirstContact}).
   */
  static int answer(InputStream stdin, PrintStream stdout, PrintStream stderr, HostConnector host) {
    String line;
    try {
      line = readRequestLine(stdin);
    } catch (IOException e) {
      return fail(Optional.empty(), "no request line on stdin: " + e.getMessage(), stdout, stderr);
    }
    Optional<BootstrapNonce> nonce = RequestNonce.find(line);
    HostRequest request;
    try {
      request = HostRequest.parse(line); // a broken request needs no session host
    } catch (BootstrapException e) {
      return fail(nonce, "bad request: " + e.getMessage(), stdout, stderr);
    }

    String replyLine;
    try {
      Optional<BootstrapReply> withoutHost = answerWithoutHost(request);
      if (withoutHost.isPresent()) {
        replyLine = host.exchangeIfRunning(line).orElse(withoutHost.get().toLine());
      } else {
        replyLine = host.exchange(line, HOST_DEADLINE);
      }
    } catch (IOException e) {
      return fail(nonce, e.getMessage(), stdout, stderr);
    } catch (InterruptedException e) {
      return fail(nonce, "interrupted", stdout, stderr);
    }
    BootstrapReply reply;
    try {
      reply = BootstrapReply.parse(replyLine);
    } catch (BootstrapException e) {
      return fail(nonce, "the session host sent a malformed answer: " + e.getMessage(), stdout, stderr);
    }
    if (nonce.isEmpty() || !reply.nonce().equals(nonce.get())) {
      return fail(nonce, "the session host answered another request", stdout, stderr);
    }
    stdout.print(replyLine + "\n");
    stdout.flush();
    if (reply instanceof BootstrapReply.Error error) {
      Logger.info("the session host refused: {}", error.reason());
      stderr.println("etterminal: the session host refused: " + error.reason());
      return 1;
    }
    return 0;
  }

  /**
   * The answer to {@code request} when no session host runs, for the requests that need none: the
   * sessions live in the host, so without one there are none to list or end, and starting a host
   * (a JVM that would then idle until its idle exit) would only delay the answer. Empty for the
   * others.
   */
  static Optional<BootstrapReply> answerWithoutHost(HostRequest request) {
    return switch (request) {
      case ListRequest list -> Optional.of(new BootstrapReply.Sessions(list.nonce(), 0, List.of()));
      case KillRequest kill -> Optional.of(new BootstrapReply.Error(kill.nonce(), IdPrefixMatch.none(kill.idPrefix())));
      default -> Optional.empty();
    };
  }

  /**
   * The first line of stdin, read on a daemon thread so that a client that never sends one cannot
   * hold etterminal (and the ssh session) forever: closing stdin would not end a blocked read.
   */
  private static String readRequestLine(InputStream stdin) throws IOException {
    FutureTask<String> read =
        new FutureTask<>(() -> BoundedLine.read(new BufferedInputStream(stdin), BoundedLine.MAX_BYTES));
    Thread.ofPlatform().name("stdin").daemon(true).start(read);
    try {
      return read.get(STDIN_DEADLINE.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new IOException("none within " + STDIN_DEADLINE.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  private static int fail(Optional<BootstrapNonce> nonce, String reason, PrintStream stdout, PrintStream stderr) {
    Logger.info("refused: {}", reason);
    if (nonce.isPresent()) {
      String line;
      try {
        line = new BootstrapReply.Error(nonce.get(), reason).toLine();
      } catch (IllegalArgumentException e) {
        line = new BootstrapReply.Error(nonce.get(), "etterminal failed (reason on stderr)").toLine();
      }
      stdout.print(line + "\n");
      stdout.flush();
    }
    stderr.println("etterminal: " + reason);
    return 1;
  }
}
