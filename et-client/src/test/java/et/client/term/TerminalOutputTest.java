package et.client.term;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link TerminalOutput} opens a second description only of a terminal: opened again, a file would
 * be written from its start. (Offers on a real terminal are exercised by every et-e2e session.)
 */
class TerminalOutputTest {

  @Test
  void stdoutThatIsNoTerminalTakesNoOffers() throws Exception {
    assumeTrue(System.console() == null, "the tests' stdout is a pipe or a file, not a terminal");
    byte[] bytes = "not through a second description".getBytes();
    assertEquals(0, TerminalOutput.ofStdout().offer(bytes, 0, bytes.length));
  }
}
