package et.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * {@link BootstrapRequest#parse} on any line a client could write to etterminal or the session
 * host (bytes read as ISO-8859-1, as {@code BoundedLine} hands them over): a request that parses
 * writes back a line within the cap that parses to the same request; anything else is a
 * BootstrapException with a message.
 */
class BootstrapRequestFuzzTest {

  @FuzzTest
  void requestLinesParseAndRoundTripOrAreRefused(byte[] line) {
    BootstrapRequest request;
    try {
      request = BootstrapRequest.parse(new String(line, StandardCharsets.ISO_8859_1));
    } catch (BootstrapException refused) {
      assertNotNull(refused.getMessage());
      return;
    }
    String written = request.toLine();
    assertTrue(written.length() <= BootstrapLine.MAX_LINE_BYTES, () -> written.length() + " bytes");
    try {
      assertEquals(request, BootstrapRequest.parse(written));
    } catch (BootstrapException e) {
      throw new AssertionError("our own line is refused: " + written, e);
    }
  }
}
