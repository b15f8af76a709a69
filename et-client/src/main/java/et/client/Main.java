package et.client;

import et.client.cli.EtCommand;
import et.client.cli.ExitCodes;
import et.client.cli.SessionRunner;
import et.client.term.ProcessExit;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of the {@code et} client: parses the command line with picocli and exits with the
 * status described in {@link ExitCodes} (2 for a usage error, with a one-line message and a hint
 * instead of the whole help).
 *
 * <p>{@link #main} runs the real session ({@link RemoteSession}: bootstrap over ssh,
 * connection, raw terminal or pipes) on this process's own stdin, stdout and stderr, and only after
 * the command line parsed and validated. {@link #run} takes any runner, so the command line can be
 * tested without starting anything.
 */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) {
    StartTimeline.mark("main");
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    RemoteSession session = RemoteSession.forThisProcess();
    StartTimeline.mark("streams");
    int status = run(args, out, err, session);
    // Everything is done (terminal restored, session ended, output flushed): skip the JVM's slow exit.
    ProcessExit.now(status);
    System.exit(status);
  }

  /** Parses {@code args}, runs {@code runner} if they are valid, and returns et's exit status. */
  public static int run(String[] args, PrintWriter out, PrintWriter err, SessionRunner runner) {
    CommandLine commandLine = new CommandLine(new EtCommand(runner))
        .setOut(out)
        .setErr(err)
        .setParameterExceptionHandler(Main::usageError)
        .setExecutionExceptionHandler((e, cl, parsed) -> {
          cl.getErr().println("et: " + e.getMessage());
          return ExitCodes.FAILURE;
        });
    int status = commandLine.execute(args);
    out.flush();
    err.flush();
    return status;
  }

  /** A short message and a hint, as most command-line tools do, rather than picocli's full usage dump. */
  private static int usageError(ParameterException e, String[] args) {
    PrintWriter err = e.getCommandLine().getErr();
    err.println("et: " + e.getMessage());
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Try 'et --help' for more information.");
    err.flush();
    return ExitCodes.USAGE;
  }
}
