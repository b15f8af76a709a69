package et.client;

import et.client.cli.ExitCodes;
import et.core.SessionEnd;
import et.terminal.KillRequest;
import java.util.Optional;

/**
 * How a running session ended for et: the status to exit with and, when it did not end with the
 * remote shell or command, a message for the user.
 *
 * <p>et exits like ssh once the session runs: with the remote status when the server closed the
 * session (the shell or command ended), and with {@link ExitCodes#DISCONNECTED} (255) when it ended
 * any other way: {@code ~.}, the local terminal gone, or the session lost (not resumable within the
 * disconnect limit, refused on resume, protocol failure). A session ended by {@code et --kill} or
 * another client's {@code et -x}, or by its session host's stop (SIGTERM), ends with the host's
 * close ({@link KillRequest#EXIT_STATUS}) and a message that says so.
 */
record Ending(int exitStatus, Optional<String> message) {

  private static final int SHOWN_CHARS = 300;

  /** The ending of {@code end} (from {@code host}). */
  static Ending of(SessionEnd end, String host) {
    if (end.cause() == SessionEnd.Cause.CLOSED_BY_PEER) {
      Optional<String> killed = switch (String.valueOf(end.reason())) {
        case KillRequest.REASON -> Optional.of("the session was ended on " + host + " by et --kill");
        case KillRequest.OTHERS_REASON ->
            Optional.of("the session was ended on " + host + " by et --kill-other-sessions (-x) from another client");
        case KillRequest.HOST_STOPPED_REASON -> Optional.of("the session was ended on " + host + ": its session host was stopped");
        default -> Optional.empty();
      };
      return new Ending(end.exitStatus(), killed);
    }
    String why = switch (end.cause()) {
      case EXPIRED -> "lost";
      case REFUSED -> "refused by the server";
      case FAILED -> "failed";
      case CLOSED_LOCALLY, CLOSED_BY_PEER -> "closed";
    };
    return new Ending(ExitCodes.DISCONNECTED,
        Optional.of("session to " + host + " " + why + ": " + Printable.escape(String.valueOf(end.reason()), SHOWN_CHARS)));
  }

  /** The user ended the session from this side ({@code ~.} or the local terminal closed). */
  static Ending local(String what) {
    return new Ending(ExitCodes.DISCONNECTED, Optional.of(what));
  }
}
