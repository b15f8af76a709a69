package et.client.term;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@link TerminalOutput} opens a second description only of a terminal: opened again, a file would
 * be written from its start. On a terminal opened by path, both ways of writing reach the screen.
 */
class TerminalOutputTest {
  private static final Duration DEADLINE = Duration.ofSeconds(5);

  @Test
  void stdoutThatIsNoTerminalTakesNoOffers() throws Exception {
    assumeTrue(System.console() == null, "the tests' stdout is a pipe or a file, not a terminal");
    byte[] bytes = "not through a second description".getBytes();
    assertEquals(0, TerminalOutput.ofStdout().offer(bytes, 0, bytes.length));
  }

  @Test
  @EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "aarch64"}) // where TtyDevice opens terminals
  void writesAndOffersToATerminalsDescriptorReachItsScreen() throws IOException {
    try (PtyPair pty = PtyPair.open(); TtyDevice tty = TtyDevice.open(pty.slavePath()).orElseThrow()) {
      TerminalOutput screen = TerminalOutput.of(tty.fd());
      screen.write(bytes("blocking "));
      byte[] offered = bytes("offered");
      assertEquals(offered.length, screen.offer(offered, 0, offered.length), "an idle terminal takes it all");
      assertEquals("blocking offered", pty.awaitShown("offered", DEADLINE));
      assertEquals(2, TtyDeviceTest.descriptorsOn(pty.slavePath()).size(), "the device's and the offers' own");

      screen.close();
      assertEquals(1, TtyDeviceTest.descriptorsOn(pty.slavePath()).size(), "the device's stays open");
      assertThrows(IOException.class, () -> screen.write(bytes("after close")));
      assertEquals(0, screen.offer(offered, 0, offered.length));
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
