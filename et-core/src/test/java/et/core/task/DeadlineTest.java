package et.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeadlineTest {
  @Test
  void aPassedDeadlineClosesTheResourceAndCannotBeCancelled() throws Exception {
    CountDownLatch closed = new CountDownLatch(1);
    Deadline deadline = Deadline.closeAfter(closed::countDown, Duration.ofMillis(10));
    assertTrue(closed.await(10, TimeUnit.SECONDS));
    assertTrue(deadline.passed());
    assertFalse(deadline.cancel(), "too late: the resource is closed");
  }

  @Test
  void aCancelledDeadlineLeavesTheResourceOpen() throws Exception {
    CountDownLatch closed = new CountDownLatch(1);
    Deadline deadline = Deadline.closeAfter(closed::countDown, Duration.ofMillis(50));
    assertTrue(deadline.cancel());
    assertTrue(deadline.cancel(), "idempotent");
    // One timer thread, in time order: once a later deadline has passed, the first one's time has too.
    CountDownLatch later = new CountDownLatch(1);
    Deadline.closeAfter(later::countDown, Duration.ofMillis(100));
    assertTrue(later.await(10, TimeUnit.SECONDS));
    assertEquals(1, closed.getCount(), "closed after a cancel");
    assertFalse(deadline.passed());
  }
}
