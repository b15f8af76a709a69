package et.client;

import et.client.cli.ClientOptions;
import et.client.cli.ExitCodes;
import et.client.cli.SessionRunner;
import et.client.cli.SshCommand;
import java.io.PrintWriter;

/**
 * STUB, to be replaced: the session itself (ssh bootstrap, connect, terminal) is not written yet.
 * It only runs behind a valid command line, says so on stderr, and exits {@link ExitCodes#FAILURE}.
 * With {@code -v} it also prints the ssh command line it would run, which helps check options by hand.
 */
final class NotImplementedRunner implements SessionRunner {

  @Override
  public int run(ClientOptions options, PrintWriter out, PrintWriter err) {
    if (options.verbose()) {
      err.println("et: would run: " + String.join(" ", SshCommand.build(options)));
    }
    err.println("et: not implemented yet: connecting to " + options.host() + " is the next step");
    err.flush();
    return ExitCodes.FAILURE;
  }
}
