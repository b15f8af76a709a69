package et.terminal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.TestSeed;
import et.testkit.TestStreams;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResizeEventTest {
  @Test
  void encodesAsTwoBigEndianU16() {
    assertArrayEquals(new byte[] {0, 80, 0, 24}, new ResizeEvent(80, 24).encode());
    assertArrayEquals(new byte[] {(byte) 0xff, (byte) 0xff, 0, 1}, new ResizeEvent(65535, 1).encode());
    assertArrayEquals(new byte[] {0x01, 0x02, (byte) 0x80, 0x00}, new ResizeEvent(0x0102, 0x8000).encode());
  }

  @Test
  void sizesOutside1To65535AreRefused() {
    for (int bad : new int[] {0, -1, 65536, Integer.MIN_VALUE}) {
      assertThrows(IllegalArgumentException.class, () -> new ResizeEvent(bad, 24), "cols " + bad);
      assertThrows(IllegalArgumentException.class, () -> new ResizeEvent(80, bad), "rows " + bad);
    }
  }

  @Test
  void randomEventsRoundTripThroughAOneByteAtATimeStream() throws Exception {
    Random random = new Random(TestSeed.forTest("ResizeEventTest.randomEvents"));
    List<ResizeEvent> sent = new ArrayList<>();
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (int i = 0; i < 1000; i++) {
      ResizeEvent event = new ResizeEvent(1 + random.nextInt(ResizeEvent.MAX), 1 + random.nextInt(ResizeEvent.MAX));
      sent.add(event);
      wire.writeBytes(event.encode());
    }
    sent.add(new ResizeEvent(1, 1));
    wire.writeBytes(new ResizeEvent(1, 1).encode());
    sent.add(new ResizeEvent(ResizeEvent.MAX, ResizeEvent.MAX));
    wire.writeBytes(new ResizeEvent(ResizeEvent.MAX, ResizeEvent.MAX).encode());

    ResizeDecoder decoder = new ResizeDecoder(TestStreams.oneByteAtATime(new ByteArrayInputStream(wire.toByteArray())));
    List<ResizeEvent> received = new ArrayList<>();
    for (Optional<ResizeEvent> event = decoder.next(); event.isPresent() && received.size() <= sent.size(); event = decoder.next()) {
      received.add(event.get());
    }
    assertEquals(sent, received);
    assertEquals(Optional.empty(), decoder.next(), "still at the end");
  }

  @Test
  void anEventCutByTheEndOfTheStreamIsAnError() throws Exception {
    ResizeDecoder decoder = new ResizeDecoder(new ByteArrayInputStream(new byte[] {0, 80, 0, 24, 0, 100, 0}));
    assertEquals(Optional.of(new ResizeEvent(80, 24)), decoder.next());
    EOFException e = assertThrows(EOFException.class, decoder::next);
    assertTrue(e.getMessage().contains("after 3 of 4 bytes"), e.getMessage());
  }

  @Test
  void aZeroSizeIsAnError() {
    IOException cols = assertThrows(IOException.class, () -> new ResizeDecoder(new ByteArrayInputStream(new byte[] {0, 0, 0, 24})).next());
    assertTrue(cols.getMessage().contains("cols 0"), cols.getMessage());
    IOException rows = assertThrows(IOException.class, () -> new ResizeDecoder(new ByteArrayInputStream(new byte[] {0, 80, 0, 0})).next());
    assertTrue(rows.getMessage().contains("rows 0"), rows.getMessage());
  }
}
