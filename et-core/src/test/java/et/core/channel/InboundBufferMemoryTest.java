package et.core.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.testing.HeapProbe;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What a channel's unread bytes cost is bounded by its window, however the peer slices them. */
class InboundBufferMemoryTest {
  private static final int WINDOW = 1 << 20;
  /** The window, plus at most as much again in partly filled chunks, plus slack for the probe. */
  private static final long MAX_HELD = 2L * WINDOW + (1 << 20);

  @Test
  void aWindowOfOneByteFramesCostsAboutTheWindow() throws Exception {
    byte[] sent = new byte[WINDOW];
    new Random(1).nextBytes(sent);
    long before = HeapProbe.usedAfterGc();
    InboundBuffer buffer = new InboundBuffer(WINDOW);
    for (byte b : sent) {
      buffer.offer(new byte[] {b});
    }
    long held = HeapProbe.usedAfterGc() - before;
    assertTrue(held <= MAX_HELD, "a window of 1-byte frames holds " + (held >> 10) + " KiB");
    assertArrayEquals(sent, readAll(buffer, sent.length), "every byte, in order");
  }

  @Test
  void smallAndLargeFramesInTurnCostAtMostTwiceTheWindow() throws Exception {
    int large = InboundBuffer.COALESCE_BYTES;
    int pairs = WINDOW / (1 + large);
    byte[] sent = new byte[pairs * (1 + large)];
    new Random(2).nextBytes(sent);
    long before = HeapProbe.usedAfterGc();
    InboundBuffer buffer = new InboundBuffer(WINDOW);
    for (int at = 0; at < sent.length; at += 1 + large) {
      buffer.offer(Arrays.copyOfRange(sent, at, at + 1));
      buffer.offer(Arrays.copyOfRange(sent, at + 1, at + 1 + large));
    }
    long held = HeapProbe.usedAfterGc() - before;
    assertTrue(held <= MAX_HELD, "alternating frames hold " + (held >> 10) + " KiB");
    assertArrayEquals(sent, readAll(buffer, sent.length));
  }

  private static byte[] readAll(InboundBuffer buffer, int length) throws Exception {
    byte[] got = new byte[length];
    int[] credit = new int[1];
    int done = 0;
    while (done < length) {
      done += buffer.read(got, done, Math.min(1000, length - done), credit);
    }
    return got;
  }
}
