package et.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CapturedOutputTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @Test
  void awaitReturnsTheOffsetPastTheTextWrittenMeanwhile() throws Exception {
    CapturedOutput output = new CapturedOutput();
    output.write("prompt$ ".getBytes(StandardCharsets.US_ASCII));
    Thread.ofVirtual().start(() -> output.write("echo hi\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(21, output.await("hi\r\n", 8 + "echo hi\r\n".length(), WAIT));
    assertEquals(2, output.count("hi"));
    output.awaitBytes(8, 13, WAIT);
    assertArrayEquals("hi\r\n".getBytes(StandardCharsets.US_ASCII), output.bytesFrom(17));
  }

  @Test
  void aWaitFailsAtOnceWhenTheOutputEndedWithoutIt() throws Exception {
    CapturedOutput output = new CapturedOutput();
    output.write('x');
    output.close();
    long start = System.nanoTime();
    AssertionError failure = assertThrows(AssertionError.class, () -> output.await("y", Duration.ofMinutes(1)));
    assertTrue(failure.getMessage().startsWith("output ended without \"y\""), failure.getMessage());
    assertThrows(AssertionError.class, () -> output.awaitBytes(0, 2, Duration.ofMinutes(1)));
    assertFalse(output.appears("y", 0, Duration.ofMinutes(1)));
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
  }

  @Test
  void aWaitFailsAtTheDeadlineShowingTheEndOfTheOutput() throws IOException {
    CapturedOutput output = new CapturedOutput();
    output.write("\u001b[1mbold".getBytes(StandardCharsets.US_ASCII));
    AssertionError failure = assertThrows(AssertionError.class, () -> output.await("never", Duration.ofMillis(50)));
    assertTrue(failure.getMessage().endsWith("output ends with: \\e[1mbold"), failure.getMessage());
  }

  @Test
  void readsAStreamToItsEndDecodingWithTheCharsetGiven() throws Exception {
    byte[] text = "h\u00e9llo\n".getBytes(StandardCharsets.UTF_8);
    CapturedOutput output = new CapturedOutput(StandardCharsets.UTF_8).readFrom(new ByteArrayInputStream(text), "test");
    assertEquals("h\u00e9llo\n", output.awaitEnd(WAIT));
    assertEquals(6, output.length());
    assertTrue(output.ended());
    assertFalse(output.truncated());
  }

  @Test
  void keepsTheFirstBytesUpToTheLimitAndReadsOn() throws Exception {
    PipedOutputStream writer = new PipedOutputStream();
    CapturedOutput output =
        new CapturedOutput(StandardCharsets.US_ASCII, 4).readFrom(new PipedInputStream(writer), "test");
    assertFalse(output.endsWithin(Duration.ofMillis(20)));
    writer.write("0123456789".getBytes(StandardCharsets.US_ASCII));
    writer.close();
    assertTrue(output.endsWithin(WAIT));
    assertEquals("0123", output.text());
    assertTrue(output.truncated());
  }
}
