package et.client;

import et.client.cli.ClientOptions;
import et.client.cli.ExitCodes;
import et.client.cli.HostAction;
import et.core.task.TaskGroup;
import et.terminal.BootstrapReply;
import et.terminal.KillRequest;
import et.terminal.ListRequest;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code et --list} and {@code et --kill ID}: one bootstrap over ssh with an {@code ET1 LIST} or
 * {@code ET1 KILL} line instead of a session request (a list may go through a running et's session
 * instead, {@link SessionSharing}), and the answer printed. The list's table
 * ({@link SessionTable}) is all that goes to stdout; messages go to stderr.
 */
final class SessionsCommand {
  private final ClientOptions options;
  private final OutputStream sshStderr;
  private final Map<String, String> environment;
  private final Consumer<String> note;
  private final TaskGroup tasks;

  /**
   * @param sshStderr where ssh's stderr goes as it arrives (et's stderr)
   * @param environment et's environment (where the share socket is, {@link SessionSharing})
   * @param note      receives progress lines for {@code --verbose}
   * @param tasks     the client run's group
   */
  SessionsCommand(ClientOptions options, OutputStream sshStderr, Map<String, String> environment, Consumer<String> note,
      TaskGroup tasks) {
    this.options = options;
    this.sshStderr = sshStderr;
    this.environment = environment;
    this.note = note;
    this.tasks = tasks;
  }

  /** Lists or kills as {@code action} says; returns et's exit status. */
  int run(HostAction action, PrintWriter out, PrintWriter err) throws InterruptedException {
    Bootstrap bootstrap = new Bootstrap(options, LocalProcesses.OF_THIS_PROCESS, sshStderr, note, tasks);
    try (HostAnswers host = SharedFirst.ask(SessionSharing.socket(options, environment), bootstrap, note)) {
      switch (action) {
        case HostAction.ListSessions list -> print(host.answer(ListRequest.create(), BootstrapReply.Sessions.class), out, err);
        case HostAction.KillSession kill -> {
          BootstrapReply.Killed killed = host.answer(KillRequest.create(kill.idPrefix()), BootstrapReply.Killed.class);
          out.println("ended session " + killed.id() + " on " + options.host());
        }
        case HostAction.NewSession newSession -> throw new IllegalArgumentException("not a sessions command: " + newSession);
      }
    } catch (BootstrapFailure e) {
      err.println("et: " + e.getMessage());
      return e.exitStatus();
    } finally {
      out.flush();
      err.flush();
    }
    return ExitCodes.OK;
  }

  private void print(BootstrapReply.Sessions sessions, PrintWriter out, PrintWriter err) {
    if (sessions.total() == 0) {
      out.println("no sessions of yours on " + options.host());
      return;
    }
    SessionTable.lines(sessions.listed(), Instant.now(), ZoneId.systemDefault()).forEach(out::println);
    int unlisted = sessions.total() - sessions.listed().size();
    if (unlisted > 0) {
      err.println("et: " + unlisted + " more not listed (the host lists at most "
          + BootstrapReply.Sessions.MAX_LISTED + ", the earliest started)");
    }
  }
}
