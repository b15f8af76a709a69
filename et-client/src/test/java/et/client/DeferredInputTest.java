package et.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeferredInputTest {

  @Test
  void opensOnTheFirstReadAndOnlyOnce() throws IOException {
    AtomicInteger opened = new AtomicInteger();
    DeferredInput in = new DeferredInput(() -> {
      opened.incrementAndGet();
      return new ByteArrayInputStream(new byte[] {1, 2, 3});
    });
    assertEquals(0, opened.get(), "nothing opened before a read");
    assertEquals(1, in.read());
    byte[] rest = new byte[8];
    assertEquals(2, in.read(rest, 0, rest.length));
    assertEquals(-1, in.read());
    assertEquals(1, opened.get());
  }

  @Test
  void closedBeforeAnyReadOpensNothingAndReadsEnd() throws IOException {
    AtomicInteger opened = new AtomicInteger();
    DeferredInput in = new DeferredInput(() -> {
      opened.incrementAndGet();
      return InputStream.nullInputStream();
    });
    in.close();
    assertEquals(-1, in.read());
    assertEquals(-1, in.read(new byte[4], 0, 4));
    assertEquals(0, opened.get());
  }

  @Test
  void closingClosesTheOpenedStream() throws IOException {
    AtomicInteger closed = new AtomicInteger();
    DeferredInput in = new DeferredInput(() -> new ByteArrayInputStream(new byte[] {7}) {
      @Override
      public void close() {
        closed.incrementAndGet();
      }
    });
    assertEquals(7, in.read());
    in.close();
    assertEquals(1, closed.get());
    assertEquals(-1, in.read());
  }
}
