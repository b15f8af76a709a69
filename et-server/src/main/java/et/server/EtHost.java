package et.server;

import et.server.host.HostAlreadyRunningException;
import et.server.host.HostConfig;
import et.server.host.ServerConf;
import et.server.host.SessionHost;
import et.server.request.HostConnector;
import et.server.request.HostLogging;
import et.server.request.HostPaths;
import et.server.request.HostSocket;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import org.tinylog.Logger;

/**
 * {@code et-host}: runs the user's session host ({@link SessionHost}) until it exits by itself
 * after its idle time, or is stopped (SIGTERM ends every session). Normally etterminal starts it,
 * or on a first contact etterminal's launcher in etterminal's place; a second one for the same
 * runtime directory exits at once with status 0 and says nothing (having answered a first contact
 * through the first one).
 *
 * <pre>et-host [--idle-exit SECONDS] [--port PORT] [--first-contact] [-v] [--logtostdout]</pre>
 *
 * {@code --port} overrides {@code port=} of {@code ~/.config/et/server.conf} (0: any free port);
 * {@code --first-contact}: the etterminal launcher ran the host in etterminal's place, and it
 * answers the request on its stdin as etterminal would ({@link FirstContact}), then exits unless
 * it was asked for a session or a relay; {@code -v} logs at debug; {@code --logtostdout} logs to
 * stdout instead of the host log.
 */
public final class EtHost {
  /** How long a new host waits for one that holds the lock to answer or go away. */
  static final Duration LOCK_WAIT = Duration.ofSeconds(5);
  private static final String USAGE =
      """
      usage: et-host [--idle-exit SECONDS] [--port PORT] [--first-contact] [-v] [--logtostdout]
      Runs this user's et session host: sessions on a TCP port (port= in ~/.config/et/server.conf,
      default 2022, or the next free one), requests from etterminal on a unix socket in
      $XDG_RUNTIME_DIR/et (or ~/.et/run). Exits after SECONDS without a session (default 600).
      --first-contact: etterminal's launcher runs it so when no host runs yet; it answers the
      request on its standard input as etterminal would, then exits unless asked for a session.
      Logs to ~/.et/log/host.log (at most 3 files of 4 MiB), or to stdout with --logtostdout;
      -v logs at debug level.
      """;

  private EtHost() {}

  /** The command line: what it overrides of the configuration. */
  record Arguments(Integer port, Duration idleExit, boolean firstContact, boolean debug, boolean logToStdout) {
    static Arguments parse(String[] args) {
      Integer port = null;
      Duration idleExit = null;
      boolean firstContact = false;
      boolean debug = false;
      boolean logToStdout = false;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--port" -> port = number(args, ++i, 0, 65535, "--port");
          case "--idle-exit" -> idleExit = Duration.ofSeconds(number(args, ++i, 0, 1_000_000_000, "--idle-exit"));
          case "--first-contact" -> firstContact = true;
          case "-v", "--verbose" -> debug = true;
          case "--logtostdout" -> logToStdout = true;
          default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
        }
      }
      return new Arguments(port, idleExit, firstContact, debug, logToStdout);
    }

    private static int number(String[] args, int at, int min, int max, String option) {
      if (at >= args.length || !args[at].matches("[0-9]{1,10}")) {
        throw new IllegalArgumentException(option + " needs a number");
      }
      long value = Long.parseLong(args[at]);
      if (value < min || value > max) {
        throw new IllegalArgumentException(option + " must be in " + min + ".." + max);
      }
      return (int) value;
    }
  }

  public static void main(String[] args) throws InterruptedException {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream stdout, PrintStream stderr) throws InterruptedException {
    if (args.length == 1 && args[0].equals("--help")) {
      stdout.print(USAGE);
      return 0;
    }
    if (args.length == 1 && args[0].equals("--version")) {
      stdout.println("et-host " + Version.text());
      return 0;
    }
    Arguments arguments;
    try {
      arguments = Arguments.parse(args);
    } catch (IllegalArgumentException e) {
      stderr.print("et-host: " + e.getMessage() + "\n" + USAGE);
      return 2;
    }
    HostPaths paths = HostPaths.fromEnvironment(System.getenv());
    String level = arguments.debug() ? "debug" : "info";
    try {
      if (arguments.logToStdout()) {
        HostLogging.hostToStdout(level);
      } else {
        HostLogging.hostToFiles(paths.logFile(), level);
      }
    } catch (IOException e) {
      HostLogging.toStderr("et-host");
      stderr.println("et-host: cannot log to " + paths.logFile() + ": " + e.getMessage());
    }
    HostConfig config;
    try {
      config = HostConfig.of(paths, ServerConf.read(paths.configFile()));
    } catch (IOException e) {
      Logger.error("bad configuration: {}", e.getMessage());
      stderr.println("et-host: " + e.getMessage());
      refuseFirstContact(arguments, paths, stdout, e);
      return 1;
    }
    if (arguments.port() != null) {
      config = config.withPort(arguments.port());
    }
    if (arguments.idleExit() != null) {
      config = config.withIdleExit(arguments.idleExit());
    }

    SessionHost host;
    try {
      host = startUnlessServed(config);
    } catch (IOException e) {
      Logger.error("cannot start the session host: {}", e.getMessage());
      stderr.println("et-host: cannot start the session host: " + e.getMessage());
      refuseFirstContact(arguments, paths, stdout, e);
      return 1;
    }
    if (host != null) {
      // The first client is on its way: compile the keystroke path before its first key arrives.
      HostWarmup.startInBackground(host.tasks(), config.sessionOptions(), config.paths().home());
    }
    if (arguments.firstContact()) {
      answerFirstContact(paths, stdout, "no session host answers; try again");
      if (host != null) {
        host.closeUnlessAsked(); // a list, a kill or a bad request: nobody needs this host
      }
    }
    if (host == null) {
      return 0; // another host serves this runtime directory
    }
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("host shutdown").unstarted(host::close));
    while (!host.awaitExit(Duration.ofDays(1))) {
      // serving
    }
    return 0;
  }

  /** A host that cannot start still answers its first contact, if it was run for one, with why. */
  private static void refuseFirstContact(Arguments arguments, HostPaths paths, PrintStream launcher, IOException why) {
    if (arguments.firstContact()) {
      answerFirstContact(paths, launcher, "the session host could not start: " + why.getMessage());
    }
  }

  /**
   * Answers the first contact on stdin through whichever host serves now (this one, or one that won
   * the start); with none, the answer is an error saying {@code whyNoHost}: a host started now
   * would fail as this one did, or be the one this one found exiting.
   */
  private static void answerFirstContact(HostPaths paths, PrintStream launcher, String whyNoHost) {
    HostConnector connector = new HostConnector(paths, () -> {
      throw new IOException(whyNoHost);
    });
    FirstContact.answer(System.in, launcher, connector);
  }

  /**
   * Starts the host, or returns null when another one serves (its socket answers). A host that
   * holds the lock without answering is starting or exiting: wait for either, up to {@link
   * #LOCK_WAIT}.
   */
  static SessionHost startUnlessServed(HostConfig config) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
    while (true) {
      try {
        return SessionHost.start(config);
      } catch (HostAlreadyRunningException e) {
        if (HostSocket.answers(config.paths().socket())) {
          Logger.info("another session host serves {}: not starting", config.paths().socket());
          return null;
        }
        if (System.nanoTime() - deadline > 0) {
          throw new IOException(e.getMessage() + " but does not answer on " + config.paths().socket());
        }
        Thread.sleep(Duration.ofMillis(20));
      }
    }
  }
}
