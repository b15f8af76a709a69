package et.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EscapedTest {
  @Test
  void printableAsciiStaysAndControlsAreEscaped() {
    assertEquals("a b~\\r\\n\\t\\e[0m\\x00\\x07\\x7f", Escaped.of("a b~\r\n\t\u001b[0m\u0000\u0007\u007f"));
  }

  @Test
  void charsUpTo0xffShowAsBytesAndWiderOnesStay() {
    assertEquals("h\\xe9llo \u4e16", Escaped.of("h\u00e9llo \u4e16"));
    assertEquals("h\\xc3\\xa9llo", Escaped.of("h\u00e9llo".getBytes(StandardCharsets.UTF_8)));
  }
}
