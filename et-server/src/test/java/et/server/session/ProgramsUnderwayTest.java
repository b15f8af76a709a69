package et.server.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgramsUnderwayTest {
  private static final Duration LIMIT = Duration.ofSeconds(10);

  @Test
  void withNoProgramReportingTheWaitEndsAtItsLimitUnanswered() throws Exception {
    assertFalse(new ProgramsUnderway().await(Duration.ofMillis(50)));
  }

  @Test
  void aProgramThatEndedIsUnderway() throws Exception {
    ProgramsUnderway underway = new ProgramsUnderway();
    underway.ended();
    assertTrue(underway.await(Duration.ZERO));
  }

  @Test
  void outputPassesThroughUnchangedAndOnceItFallsQuietTheProgramIsUnderway() throws Exception {
    ProgramsUnderway underway = new ProgramsUnderway();
    ByteArrayOutputStream terminal = new ByteArrayOutputStream();
    OutputStream watched = underway.watching(terminal);
    assertFalse(underway.await(Duration.ZERO), "underway before any output");
    watched.write('$');
    watched.write(new byte[] {'x', ' ', 'y'}, 1, 2);
    watched.flush();
    assertArrayEquals(new byte[] {'$', ' ', 'y'}, terminal.toByteArray());
    assertFalse(underway.await(Duration.ZERO), "underway the moment it wrote");
    assertTrue(underway.await(LIMIT), "not underway once quiet");
  }
}
