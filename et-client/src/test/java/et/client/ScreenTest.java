package et.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.client.term.StatusLine;
import et.client.term.TerminalSize;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The order of what reaches the local screen: status line, its clearing, remote bytes, nothing after close. */
class ScreenTest {

  private static final TerminalSize SIZE = new TerminalSize(80, 24);

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final AtomicReference<TerminalSize> size = new AtomicReference<>(SIZE);
  private final Screen screen = new Screen(out, size::get);

  @Test
  void aShownStatusLineIsClearedBeforeTheNextRemoteBytes() throws Exception {
    screen.status("et: lost");
    screen.status("et: lost"); // the same text is not drawn twice
    screen.remote("abc".getBytes(StandardCharsets.US_ASCII), 0, 2);
    screen.remote("x".getBytes(StandardCharsets.US_ASCII), 0, 1); // no status shown: nothing to clear
    assertEquals(text(StatusLine.render("et: lost", SIZE)) + text(StatusLine.clear(SIZE)) + "abx", text(out.toByteArray()));
  }

  @Test
  void clearStatusOnlyClearsWhatIsShown() throws Exception {
    screen.clearStatus();
    assertEquals("", text(out.toByteArray()));
    screen.status("et: lost");
    screen.clearStatus();
    screen.clearStatus();
    assertEquals(text(StatusLine.render("et: lost", SIZE)) + text(StatusLine.clear(SIZE)), text(out.toByteArray()));
  }

  @Test
  void noStatusLineOnATerminalOfUnknownSize() throws Exception {
    size.set(new TerminalSize(0, 0));
    screen.status("et: lost");
    assertEquals("", text(out.toByteArray()));
  }

  @Test
  void offersAreLeftToRemoteWhenTheOutputCannotWriteWithoutBlocking() throws Exception {
    byte[] bytes = "abc".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0, screen.offer(bytes, 0, bytes.length), "a plain stream takes no offer");
    assertEquals("", text(out.toByteArray()));
  }

  @Test
  void closeClearsTheStatusLineAndStopsEveryWrite() throws Exception {
    screen.status("et: lost");
    assertTrue(screen.close(Duration.ofSeconds(1)));
    int afterClose = out.size();
    screen.remote("late".getBytes(StandardCharsets.US_ASCII), 0, 4);
    screen.local("help".getBytes(StandardCharsets.US_ASCII));
    screen.status("et: again");
    assertEquals(text(StatusLine.render("et: lost", SIZE)) + text(StatusLine.clear(SIZE)), text(out.toByteArray()));
    assertEquals(afterClose, out.size());
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
