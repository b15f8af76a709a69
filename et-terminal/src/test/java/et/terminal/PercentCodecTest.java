package et.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.TestSeed;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class PercentCodecTest {
  @Test
  void unreservedCharactersStayAndEverythingElseIsUpperCaseUtf8Escapes() throws Exception {
    String unreserved = "ABCXYZabcxyz0189-._~";
    assertEquals(unreserved, PercentCodec.encode(unreserved));
    assertEquals("a%20b%3Dc%25d%0A%2B%C3%A9%E2%82%AC%F0%9F%8E%89", PercentCodec.encode("a b=c%d\n+é€🎉"));
    assertEquals("", PercentCodec.encode(""));
    assertEquals("é", PercentCodec.decode("%c3%a9", "field"), "lower-case hex decodes too");
  }

  @Test
  void randomTextRoundTripsAndItsEncodingHasOnlyUnreservedCharactersAndEscapes() throws Exception {
    Random random = new Random(TestSeed.forTest("PercentCodecTest.randomText"));
    for (int i = 0; i < 2000; i++) {
      String text = RandomText.text(random, 30);
      String encoded = PercentCodec.encode(text);
      assertTrue(encoded.matches("([A-Za-z0-9._~-]|%[0-9A-F]{2})*"), encoded);
      assertEquals(text, PercentCodec.decode(encoded, "field"));
    }
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("%", "malformed percent escape"),
        Arguments.of("ab%4", "malformed percent escape"),
        Arguments.of("%G1", "malformed percent escape"),
        Arguments.of("%4g", "malformed percent escape"),
        Arguments.of("%%41", "malformed percent escape"),
        Arguments.of("%\u0661\u0661", "malformed percent escape"), // Arabic-Indic digits are not hex
        Arguments.of("a b", "must be percent-encoded"),
        Arguments.of("a+b", "must be percent-encoded"),
        Arguments.of("a=b", "must be percent-encoded"),
        Arguments.of("é", "must be percent-encoded"),
        Arguments.of("%C3", "not valid UTF-8"), // truncated sequence
        Arguments.of("%FF", "not valid UTF-8"),
        Arguments.of("%C0%80", "not valid UTF-8"), // overlong NUL
        Arguments.of("%ED%A0%80", "not valid UTF-8"), // an encoded surrogate
        Arguments.of("%E2%82", "not valid UTF-8"));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void malformedInputIsRefusedNamingTheField(String encoded, String why) {
    BootstrapException e = assertThrows(BootstrapException.class, () -> PercentCodec.decode(encoded, "myfield"));
    assertTrue(e.getMessage().startsWith("myfield "), e.getMessage());
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }

  @Test
  void anUnpairedSurrogateCannotBeEncoded() {
    assertThrows(IllegalArgumentException.class, () -> PercentCodec.encode("a\ud800b"));
    assertTrue(!PercentCodec.isWellFormed("\udc00"));
    assertTrue(PercentCodec.isWellFormed("🎉"));
  }
}
