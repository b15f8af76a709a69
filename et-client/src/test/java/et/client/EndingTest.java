package et.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import et.core.SessionEnd;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** et's exit status and message for each way a running session ends (as ssh: the remote status, else 255). */
class EndingTest {

  @Test
  void closedByThePeerGivesTheRemoteStatusSilently() {
    assertEquals(new Ending(7, Optional.empty()),
        Ending.of(new SessionEnd(SessionEnd.Cause.CLOSED_BY_PEER, 7, "shell exited"), "h"));
  }

  @Test
  void endedByAKillGivesItsStatusAndSaysWho() {
    assertEquals(new Ending(129, Optional.of("the session was ended on h by et --kill")),
        Ending.of(new SessionEnd(SessionEnd.Cause.CLOSED_BY_PEER, 129, "ended by et --kill"), "h"));
    assertEquals(new Ending(129, Optional.of("the session was ended on h by et --kill-other-sessions (-x) from another client")),
        Ending.of(new SessionEnd(SessionEnd.Cause.CLOSED_BY_PEER, 129, "ended by et --kill-other-sessions"), "h"));
    assertEquals(new Ending(129, Optional.of("the session was ended on h: its session host was stopped")),
        Ending.of(new SessionEnd(SessionEnd.Cause.CLOSED_BY_PEER, 129, "ended: the session host was stopped"), "h"));
  }

  @Test
  void anyOtherEndIs255WithTheReasonEscaped() {
    assertEquals(new Ending(255, Optional.of("session to h lost: could not reconnect within the disconnect limit")),
        Ending.of(new SessionEnd(SessionEnd.Cause.EXPIRED, 0, "could not reconnect within the disconnect limit"), "h"));
    assertEquals(new Ending(255, Optional.of("session to h refused by the server: unknown \\x1b[2J session")),
        Ending.of(new SessionEnd(SessionEnd.Cause.REFUSED, 0, "unknown \u001b[2J session"), "h"));
    assertEquals(255, Ending.of(new SessionEnd(SessionEnd.Cause.FAILED, 0, "bad frame"), "h").exitStatus());
  }
}
