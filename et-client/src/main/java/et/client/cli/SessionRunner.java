package et.client.cli;

import java.io.PrintWriter;

/**
 * What {@code et} does once its command line is parsed and valid: bootstrap over ssh, connect, and
 * run the terminal session. Separate from the parsing so the command line can be tested without
 * starting anything.
 */
@FunctionalInterface
public interface SessionRunner {

  /**
   * Runs the session described by {@code options}.
   *
   * @param out where et's own normal output goes (not the remote session's bytes)
   * @param err where et's own messages go
   * @return the exit status of et (see {@link ExitCodes})
   */
  int run(ClientOptions options, PrintWriter out, PrintWriter err) throws Exception;
}
