package et.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.SessionCredentials;
import et.testkit.TestStreams;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplyScannerTest {
  private final BootstrapNonce ours = BootstrapNonce.random();
  private final BootstrapNonce other = BootstrapNonce.random();
  private final SessionCredentials credentials = SessionCredentials.generate();
  private final SessionCredentials otherCredentials = SessionCredentials.generate();
  private final BootstrapReply.Session reply = new BootstrapReply.Session(ours, credentials, 40123);
  private final String forgedCopy = new BootstrapReply.Session(other, otherCredentials, 1).toLine();

  @Test
  void findsTheReplyAmongShellNoiseBeforeAndAfter() throws Exception {
    String stdout =
        "Welcome to Ubuntu 24.04 LTS\n"
            + "\n"
            + "Last login: Mon Jan 1 00:00:00 2024 from 10.0.0.1\r\n"
            + "ET1\n"
            + "ET1 \n"
            + "ET1 SESSION garbage\n"
            + " ET1 SESSION nonce=" + ours + " indented, so not a reply line\n"
            + "\u001b[31mred prompt\u001b[0m\n"
            + reply.toLine() + "\n"
            + "bye from .bash_logout\n";
    ReplyScanner scanner = new ReplyScanner(ours);
    assertEquals(Optional.of(reply), scanner.scan(stream(stdout)));
    assertEquals(ReplyScanner.Ending.REPLY, scanner.ending());
    assertEquals(9, scanner.linesRead());
    assertEquals(8, scanner.noiseLines());
    List<String> noise = scanner.noise();
    assertEquals("Welcome to Ubuntu 24.04 LTS", noise.getFirst());
    assertEquals("Last login: Mon Jan 1 00:00:00 2024 from 10.0.0.1", noise.get(1), "CR dropped, empty line not kept");
    assertEquals("\\x1b[31mred prompt\\x1b[0m", noise.getLast(), "control characters escaped");
  }

  @Test
  void ignoresANoiseLineThatCopiesAMarkerWithAnotherNonce() throws Exception {
    String stdout = forgedCopy + "\n" + reply.toLine() + "\n";
    ReplyScanner scanner = new ReplyScanner(ours);
    BootstrapReply.Session got = assertInstanceOf(BootstrapReply.Session.class, scanner.scan(stream(stdout)).orElseThrow());
    assertEquals(credentials.id(), got.credentials().id());
    assertEquals(40123, got.port());
    assertEquals(1, scanner.noiseLines());
    String kept = scanner.noise().getFirst();
    assertTrue(kept.contains("secret=<hidden>"), kept);
    assertFalse(kept.contains(otherCredentials.encodedSecret()), "noise shows no secret: " + kept);
  }

  @Test
  void returnsAnErrorReplyAndToleratesCrLfAndAMissingLastNewline() throws Exception {
    BootstrapReply.Error error = new BootstrapReply.Error(ours, "cannot start the session host");
    assertEquals(Optional.of(error), new ReplyScanner(ours).scan(stream("motd\r\n" + error.toLine() + "\r\n")));
    assertEquals(Optional.of(error), new ReplyScanner(ours).scan(stream("motd\n" + error.toLine())));
  }

  @Test
  void aLineWithOurNonceThatDoesNotParseFailsLoudly() {
    String secret = credentials.encodedSecret();
    List<String> garbage =
        List.of(
            "ET1 SESSION nonce=" + ours + " id=zz secret=" + secret + " port=1",
            "ET1 SESSION nonce=" + ours + " id=" + credentials.id() + " secret=" + secret + " port=0",
            "ET1 SESSION nonce=" + ours + " id=" + credentials.id() + " " + secret + " port=1",
            "ET1 SESSION nonce=" + ours.toString().toUpperCase() + " id=" + credentials.id() + " secret=" + secret,
            "ET1 REQUEST nonce=" + ours + " term=xterm cols=80 rows=24", // our own request, echoed back
            reply.toLine().substring(0, reply.toLine().indexOf(" secret=") + 20)); // cut short, then EOF
    List<String> fields = List.of("id must be", "port must be in 1..65535: 0", "is not key=value", "missing field port", "expected an ET1 SESSION, SESSIONS, KILLED, GRANT or ERROR line", "missing field port");
    for (int i = 0; i < garbage.size(); i++) {
      String line = garbage.get(i);
      BootstrapException e =
          assertThrows(BootstrapException.class, () -> new ReplyScanner(ours).scan(stream("noise\n" + line)), line);
      assertTrue(e.getMessage().startsWith("etterminal sent a malformed answer: "), e.getMessage());
      assertTrue(e.getMessage().contains(fields.get(i)), e.getMessage());
      assertFalse(e.getMessage().contains(secret.substring(0, 8)), "shows the secret: " + e.getMessage());
    }
  }

  @Test
  void anEmptyOrReplylessStreamGivesNothing() throws Exception {
    ReplyScanner empty = new ReplyScanner(ours);
    assertEquals(Optional.empty(), empty.scan(stream("")));
    assertEquals(ReplyScanner.Ending.END_OF_STREAM, empty.ending());

    ReplyScanner noisy = new ReplyScanner(ours);
    assertEquals(Optional.empty(), noisy.scan(stream("bash: etterminal: command not found\n" + forgedCopy + "\nlast words")));
    assertEquals(ReplyScanner.Ending.END_OF_STREAM, noisy.ending());
    assertEquals(3, noisy.noiseLines());
    assertEquals("last words", noisy.noise().getLast());
    assertThrows(IllegalStateException.class, () -> noisy.scan(stream("")), "single use");
  }

  @Test
  void stopsAtTheLineCapWithoutReadingOn() throws Exception {
    byte[] noiseLine = "noise\n".getBytes(StandardCharsets.US_ASCII);
    long cap = (long) ReplyScanner.MAX_LINES * noiseLine.length;
    TestStreams.GeneratedStream endless =
        TestStreams.generated(Long.MAX_VALUE, cap + 8192, position -> noiseLine[(int) (position % noiseLine.length)]);
    ReplyScanner scanner = new ReplyScanner(ours);
    assertEquals(Optional.empty(), scanner.scan(endless));
    assertEquals(ReplyScanner.Ending.LINE_CAP, scanner.ending());
    assertEquals(ReplyScanner.MAX_LINES, scanner.linesRead());
    assertEquals(ReplyScanner.NOISE_KEPT, scanner.noise().size());
  }

  @Test
  void theReplyOnTheLastAllowedLineIsFoundButNotOneLineLater() throws Exception {
    String before = "x\n".repeat(ReplyScanner.MAX_LINES - 1);
    assertEquals(Optional.of(reply), new ReplyScanner(ours).scan(stream(before + reply.toLine() + "\n")));
    ReplyScanner late = new ReplyScanner(ours);
    assertEquals(Optional.empty(), late.scan(stream(before + "x\n" + reply.toLine() + "\n")));
    assertEquals(ReplyScanner.Ending.LINE_CAP, late.ending());
  }

  @Test
  void stopsAtTheByteCapWithoutReadingPastIt() throws Exception {
    // 1000-byte lines forever: the line cap is far away, the byte cap comes first.
    TestStreams.GeneratedStream endless =
        TestStreams.generated(Long.MAX_VALUE, ReplyScanner.MAX_TOTAL_BYTES, position -> position % 1000 == 999 ? '\n' : 'n');
    ReplyScanner scanner = new ReplyScanner(ours);
    assertEquals(Optional.empty(), scanner.scan(endless));
    assertEquals(ReplyScanner.Ending.BYTE_CAP, scanner.ending());
    assertEquals(ReplyScanner.MAX_TOTAL_BYTES, scanner.bytesRead());
    assertEquals(ReplyScanner.MAX_TOTAL_BYTES, endless.position());
  }

  @Test
  void aTenMebibyteLineOfNoiseIsReadOnlyUpToTheCapAndNeverBuffered() throws Exception {
    long tenMiB = 10L << 20;
    TestStreams.GeneratedStream huge = TestStreams.generated(tenMiB, ReplyScanner.MAX_TOTAL_BYTES, position -> 'x');
    ReplyScanner scanner = new ReplyScanner(ours);
    assertEquals(Optional.empty(), scanner.scan(huge));
    assertEquals(ReplyScanner.Ending.BYTE_CAP, scanner.ending());
    assertEquals(ReplyScanner.MAX_TOTAL_BYTES, huge.position());
    assertEquals(0, scanner.linesRead(), "a line cut by the cap is not examined");
  }

  @Test
  void aLineLongerThanTheLineCapIsSkippedAndTheReplyAfterItFound() throws Exception {
    // 900 KiB of one noise line, then an over-long copy of a marker, then the reply: all under 1 MiB.
    String longNoise = "y".repeat(900 * 1024) + "\n";
    String longMarker = forgedCopy + " " + "z".repeat(ReplyScanner.MAX_LINE_BYTES) + "\n";
    ReplyScanner scanner = new ReplyScanner(ours);
    assertEquals(Optional.of(reply), scanner.scan(stream(longNoise + longMarker + reply.toLine() + "\n")));
    assertEquals(2, scanner.noiseLines());
    assertTrue(scanner.noise().getFirst().endsWith("... (line cut, longer than 65536 bytes)"), scanner.noise().getFirst());
    assertTrue(scanner.noise().getFirst().length() < 300);
    assertFalse(scanner.noise().get(1).contains(otherCredentials.encodedSecret()), scanner.noise().get(1));
  }

  @Test
  void anOverLongLineWithOurNonceFailsLoudly() {
    String line = reply.toLine().replace(" port=", " pad=" + "p".repeat(ReplyScanner.MAX_LINE_BYTES) + " port=");
    BootstrapException e = assertThrows(BootstrapException.class, () -> new ReplyScanner(ours).scan(stream(line + "\n")));
    assertEquals("etterminal sent a malformed answer: the line is longer than 65536 bytes", e.getMessage());
  }

  @Test
  void aLineOfExactlyTheLineCapIsStillExamined() throws Exception {
    BootstrapReply.Error error = new BootstrapReply.Error(ours, "r");
    String padded = error.toLine() + "r".repeat(ReplyScanner.MAX_LINE_BYTES - error.toLine().length());
    assertEquals(ReplyScanner.MAX_LINE_BYTES, padded.length());
    BootstrapReply got = new ReplyScanner(ours).scan(stream(padded + "\r\n")).orElseThrow();
    assertEquals("r".repeat(1 + ReplyScanner.MAX_LINE_BYTES - error.toLine().length()), ((BootstrapReply.Error) got).reason());
  }

  @Test
  void findsTheReplyWhenTheStreamDeliversOneByteAtATime() throws Exception {
    InputStream slow = TestStreams.oneByteAtATime(stream("motd\n" + forgedCopy + "\n" + reply.toLine() + "\nafter\n"));
    assertEquals(Optional.of(reply), new ReplyScanner(ours).scan(slow));
  }

  @Test
  void nonUtf8NoiseIsHarmless() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 'E', 'T', '1', '\n'});
    bytes.writeBytes(new byte[] {'E', 'T', '1', ' ', (byte) 0xc3, (byte) 0xa9, '\n'});
    InputStream in = new SequenceInputStream(new ByteArrayInputStream(bytes.toByteArray()), stream(reply.toLine() + "\n"));
    ReplyScanner scanner = new ReplyScanner(ours);
    assertEquals(Optional.of(reply), scanner.scan(in));
    assertEquals(2, scanner.noiseLines());
  }

  private static InputStream stream(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }
}
