package et.client.term;

import static et.client.term.EscapeFilter.Action.DISCONNECT;
import static et.client.term.EscapeFilter.Action.HELP;
import static et.client.term.EscapeFilter.Action.SUSPEND;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.client.term.EscapeFilter.Action;
import et.client.term.EscapeFilter.Result;
import et.testkit.Escaped;
import et.testkit.TestSeed;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EscapeFilterTest {

  /** Everything a filter produced over several chunks. */
  record Fed(String output, List<Action> actions) {}

  private static Fed feed(EscapeFilter filter, List<byte[]> chunks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Action> actions = new ArrayList<>();
    for (byte[] chunk : chunks) {
      Result r = filter.filter(chunk, 0, chunk.length);
      out.writeBytes(r.output());
      actions.addAll(r.actions());
    }
    return new Fed(out.toString(StandardCharsets.ISO_8859_1), actions);
  }

  private static Fed feed(String... chunks) {
    return feed(new EscapeFilter(), Stream.of(chunks).map(c -> c.getBytes(StandardCharsets.ISO_8859_1)).toList());
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        // chunks, what is sent, actions
        Arguments.of(List.of("ls -l\r"), "ls -l\r", List.of()),
        Arguments.of(List.of("~."), "", List.of(DISCONNECT)), // at the very start
        Arguments.of(List.of("~", "."), "", List.of(DISCONNECT)), // across a chunk boundary
        Arguments.of(List.of("ls\r~."), "ls\r", List.of(DISCONNECT)), // after CR
        Arguments.of(List.of("ls\n~."), "ls\n", List.of(DISCONNECT)), // after LF
        Arguments.of(List.of("ls\r\n~."), "ls\r\n", List.of(DISCONNECT)),
        Arguments.of(List.of("ls\r", "~", ".", "rm -rf x\r"), "ls\r", List.of(DISCONNECT)), // nothing after ~.
        Arguments.of(List.of("~.rm -rf x\r"), "", List.of(DISCONNECT)), // nor in the same chunk
        Arguments.of(List.of("a~."), "a~.", List.of()), // mid-line: not an escape
        Arguments.of(List.of("a", "~", "."), "a~.", List.of()),
        Arguments.of(List.of("~~"), "~", List.of()),
        Arguments.of(List.of("~", "~"), "~", List.of()),
        Arguments.of(List.of("~~."), "~.", List.of()), // after ~~ the line is no longer at its start
        Arguments.of(List.of("~~~"), "~~", List.of()),
        Arguments.of(List.of("~?"), "", List.of(HELP)),
        Arguments.of(List.of("~", "?"), "", List.of(HELP)),
        Arguments.of(List.of("~?~."), "", List.of(HELP, DISCONNECT)), // still at the line start after ~?
        Arguments.of(List.of("~\u001a"), "", List.of(SUSPEND)),
        Arguments.of(List.of("~", "\u001a"), "", List.of(SUSPEND)),
        Arguments.of(List.of("x\r~\u001a~."), "x\r", List.of(SUSPEND, DISCONNECT)), // still at the line start after ~^Z
        Arguments.of(List.of("x~\u001a"), "x~\u001a", List.of()), // only at a line start
        Arguments.of(List.of("~?x~."), "x~.", List.of(HELP)),
        Arguments.of(List.of("~x"), "~x", List.of()),
        Arguments.of(List.of("~", "x"), "~x", List.of()),
        Arguments.of(List.of("~\u0003"), "~\u0003", List.of()), // Ctrl-C after ~ is sent too
        Arguments.of(List.of("~\r~."), "~\r", List.of(DISCONNECT)), // the byte after ~ decides the line start
        Arguments.of(List.of("~a~."), "~a~.", List.of()),
        Arguments.of(List.of("x\r~~\r~?\r"), "x\r~\r\r", List.of(HELP)),
        Arguments.of(List.of("\r\r~."), "\r\r", List.of(DISCONNECT)),
        Arguments.of(List.of("", "~", "", "."), "", List.of(DISCONNECT)), // empty chunks change nothing
        Arguments.of(List.of("echo ~/x\r"), "echo ~/x\r", List.of()),
        Arguments.of(List.of("~"), "", List.of())); // held back until the next byte says what it is
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("cases")
  void escapes(List<String> chunks, String sent, List<Action> actions) {
    Fed fed = feed(chunks.toArray(String[]::new));
    assertEquals(sent, fed.output());
    assertEquals(actions, fed.actions());
  }

  @Test
  void aTildeAtTheEndOfAChunkIsHeldBack() {
    EscapeFilter filter = new EscapeFilter();
    Result first = filter.filter("ls\r~".getBytes(StandardCharsets.US_ASCII));
    assertArrayEquals("ls\r".getBytes(StandardCharsets.US_ASCII), first.output());
    assertTrue(filter.escapePending());
    Result second = filter.filter("y".getBytes(StandardCharsets.US_ASCII));
    assertArrayEquals("~y".getBytes(StandardCharsets.US_ASCII), second.output());
    assertFalse(filter.escapePending());
  }

  @Test
  void afterDisconnectEverythingIsDropped() {
    EscapeFilter filter = new EscapeFilter();
    assertEquals(List.of(DISCONNECT), filter.filter("~.".getBytes(StandardCharsets.US_ASCII)).actions());
    assertTrue(filter.disconnected());
    Result later = filter.filter("\r~.\r~?abc".getBytes(StandardCharsets.US_ASCII));
    assertEquals(0, later.output().length);
    assertEquals(List.of(), later.actions());
  }

  @Test
  void honoursOffsetAndLength() {
    byte[] buf = "XX\r~.YY".getBytes(StandardCharsets.US_ASCII);
    EscapeFilter filter = new EscapeFilter();
    Result r = filter.filter(buf, 1, 2); // "X\r"
    assertArrayEquals("X\r".getBytes(StandardCharsets.US_ASCII), r.output());
    Result s = filter.filter(buf, 3, 2); // "~." at the line start
    assertEquals(List.of(DISCONNECT), s.actions());
    assertThrows(IndexOutOfBoundsException.class, () -> new EscapeFilter().filter(buf, 5, 3));
  }

  @Test
  void theResultCannotBeChangedFromOutside() {
    byte[] input = "abc".getBytes(StandardCharsets.US_ASCII);
    Result r = new EscapeFilter().filter(input);
    r.output()[0] = 'z';
    assertArrayEquals(input, r.output());
  }

  @Test
  void helpListsTheEscapesWithCrLf() {
    assertTrue(EscapeFilter.HELP.contains(" ~.  - disconnect\r\n"), EscapeFilter.HELP);
    assertTrue(EscapeFilter.HELP.contains(" ~?  - this message\r\n"));
    assertTrue(EscapeFilter.HELP.contains(" ~^Z - suspend et"));
    assertTrue(EscapeFilter.HELP.contains(" ~~  - send the escape character by typing it twice\r\n"));
    assertFalse(EscapeFilter.HELP.replace("\r\n", "").contains("\n"), "a bare LF in raw mode would not return the cursor");
  }

  /**
   * How the input is cut into chunks never changes what is sent nor the actions: for random
   * inputs rich in escape-relevant bytes, any split gives the same as one whole chunk.
   */
  @Test
  void anySplitGivesTheSameAsTheWhole() {
    SplittableRandom random = new SplittableRandom(TestSeed.forTest("EscapeFilterTest.anySplitGivesTheSameAsTheWhole"));
    byte[] alphabet = {'~', '~', '.', '?', '\r', '\n', 'a', 'x', 0x03};
    int disconnects = 0;
    int helps = 0;
    for (int trial = 0; trial < 3_000; trial++) {
      byte[] input = new byte[random.nextInt(0, 120)];
      boolean anyByte = trial % 4 == 0; // sometimes the full byte range
      for (int i = 0; i < input.length; i++) {
        input[i] = anyByte ? (byte) random.nextInt(256) : alphabet[random.nextInt(alphabet.length)];
      }
      Fed whole = feed(new EscapeFilter(), List.of(input));
      Fed split = feed(new EscapeFilter(), randomSplit(input, random));
      int t = trial;
      assertEquals(whole, split, () -> "trial " + t + ": input " + Escaped.of(input));
      assertTrue(whole.output().length() <= input.length, "an escape never adds bytes");
      if (indexOf(input, (byte) '~') < 0) {
        assertEquals(new String(input, StandardCharsets.ISO_8859_1), whole.output(), "without ~ all passes as is");
      }
      disconnects += whole.actions().contains(DISCONNECT) ? 1 : 0;
      helps += whole.actions().contains(HELP) ? 1 : 0;
    }
    // The generator must actually exercise the escapes, or the property says little.
    assertTrue(disconnects > 100 && helps > 100, "disconnects " + disconnects + ", helps " + helps);
  }

  private static List<byte[]> randomSplit(byte[] input, SplittableRandom random) {
    List<byte[]> chunks = new ArrayList<>();
    int at = 0;
    while (at < input.length) {
      int len = random.nextInt(0, Math.min(8, input.length - at) + 1); // empty chunks included
      byte[] chunk = new byte[len];
      System.arraycopy(input, at, chunk, 0, len);
      chunks.add(chunk);
      at += len;
    }
    return chunks;
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
