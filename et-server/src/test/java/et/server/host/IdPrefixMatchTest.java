package et.server.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which sessions an {@code et --kill} prefix names, and what the host says when it is not exactly one. */
class IdPrefixMatchTest {
  private static final String A = "3f2a9c01ffeeddccbbaa998877665544";
  private static final String B = "3f2a9c02ffeeddccbbaa998877665544";
  private static final String C = "7777000011112222333344445555abcd";
  private static final List<String> IDS = List.of(A, B, C);

  static Stream<Arguments> matches() {
    List<String> six = List.of(
        "aaaa000000000000000000000000000" + "1", "aaaa000000000000000000000000000" + "2",
        "aaaa000000000000000000000000000" + "3", "aaaa000000000000000000000000000" + "4",
        "aaaa000000000000000000000000000" + "5", "aaaa000000000000000000000000000" + "6");
    return Stream.of(
        Arguments.of("unique short", "7777", IDS, List.of(C), null),
        Arguments.of("unique upper case", "3F2A9C01", IDS, List.of(A), null),
        Arguments.of("the whole id", A, IDS, List.of(A), null),
        Arguments.of("ambiguous", "3f2a", IDS, List.of(A, B),
            "2 sessions start with 3f2a (3f2a9c01ffee, 3f2a9c02ffee): give more digits; nothing was ended"),
        Arguments.of("unknown", "0000", IDS, List.of(), "no session of yours starts with 0000"),
        Arguments.of("no sessions at all", "3f2a", List.of(), List.of(), "no session of yours starts with 3f2a"),
        Arguments.of("ambiguous among many: five named", "aaaa", six, six,
            "6 sessions start with aaaa (aaaa00000000, aaaa00000000, aaaa00000000, aaaa00000000, aaaa00000000, …): "
                + "give more digits; nothing was ended"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matches")
  void aPrefixNamesTheSessionsThatStartWithIt(String what, String prefix, List<String> ids, List<String> matching, String refusal) {
    IdPrefixMatch match = IdPrefixMatch.of(prefix, ids);
    assertEquals(matching, match.matching(), what);
    if (refusal == null) {
      assertEquals(true, match.unique(), what);
      assertThrows(IllegalStateException.class, match::refusal);
    } else {
      assertEquals(false, match.unique(), what);
      assertEquals(refusal, match.refusal(), what);
    }
  }
}
