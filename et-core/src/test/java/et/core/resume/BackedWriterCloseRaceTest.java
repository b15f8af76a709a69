package et.core.resume;

import static org.junit.jupiter.api.Assertions.fail;

import et.core.TestKeys;
import et.core.crypto.SequenceAead;
import et.core.wire.FrameType;
import et.testkit.Await;
import et.testkit.TestSeed;
import java.io.IOException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * {@link BackedWriter#close()} must fail every producer, including one that is just about to park
 * because the ring is full. A producer still parked inside the writer well after close() returned
 * was never woken: a lost wakeup. (A producer that is merely slow is RUNNABLE, not parked, so a
 * busy machine does not make this fail; it only waits longer.)
 *
 * <p>The race is narrow, so the test repeats it: each trial fills a one-slot ring, lets a
 * producer thread call append, and closes after a random spin of 0 to 3 pauses (wider spins let
 * the producer park first and make trials slow). Unfixed, it typically fails within a few
 * thousand trials (a second or two; longer on a loaded machine, where the two threads rarely run
 * at the same instant). With the fix it runs its 3 s budget, a hundred thousand trials or more.
 *
 * <p>Threads: the test thread (closer) and one platform producer thread reused across trials,
 * handed each trial's writer through volatile fields.
 */
class BackedWriterCloseRaceTest {
  private static final int MAX_TRIALS = 2_000_000;
  private static final long TIME_BUDGET_NANOS = 3_000_000_000L;
  private static final Duration HANG_AFTER = Duration.ofMillis(300);
  private static final Duration SLOW_LIMIT = Duration.ofSeconds(10);

  private volatile BackedWriter writer;
  private volatile int trialGo;
  private volatile int trialStarted;
  private volatile int trialFinished;
  private final AtomicReference<Throwable> unexpected = new AtomicReference<>();

  @Test
  void closeWakesAProducerAboutToPark() throws Exception {
    Random random = new Random(TestSeed.forTest("BackedWriterCloseRaceTest"));
    Thread producer = Thread.ofPlatform().name("racing producer").daemon().start(this::produce);
    long start = System.nanoTime();
    try {
      int trials = 0;
      for (int t = 1; t <= MAX_TRIALS && System.nanoTime() - start < TIME_BUDGET_NANOS; t++) {
        int trial = t;
        trials = trial;
        BackedWriter full = new BackedWriter(new SequenceAead(TestKeys.fresh()), 1, 2L * FrameType.MAX_DATA_BYTES, 2L * FrameType.MAX_DATA_BYTES, 0);
        full.append(FrameType.CHANNEL_DATA, 1, new byte[1]); // one slot: now full
        writer = full;
        trialGo = trial;
        Await.until("producer starts trial " + trial, SLOW_LIMIT, () -> trialStarted == trial);
        for (int spin = random.nextInt(4); spin > 0; spin--) {
          Thread.onSpinWait();
        }
        full.close();
        if (!producerFinishes(trial, HANG_AFTER)) {
          if (producer.getState() == Thread.State.WAITING
              && LockSupport.getBlocker(producer) == full
              && trialFinished != trial) {
            fail("trial " + trial + ": producer still parked in the closed writer "
                + HANG_AFTER.toMillis() + " ms after close() returned (lost wakeup): close() read"
                + " waitingProducer before the producer published itself, and awaitRoom() re-checks"
                + " only room, not closed, before parking");
          }
          Await.until("producer ends trial " + trial, SLOW_LIMIT, () -> trialFinished == trial);
        }
        if (unexpected.get() != null) {
          throw new AssertionError("producer failed", unexpected.get());
        }
      }
      System.err.printf("no lost wakeup in %d trials%n", trials);
    } finally {
      producer.interrupt();
    }
  }

  private boolean producerFinishes(int trial, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (trialFinished != trial) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      Thread.onSpinWait();
    }
    return true;
  }

  private void produce() {
    int seen = 0;
    while (true) {
      try {
        while (trialGo == seen) {
          Thread.onSpinWait(); // spinning keeps both threads on a CPU, where the race lives
          if (Thread.interrupted()) {
            return;
          }
        }
        seen = trialGo;
        trialStarted = seen;
        writer.append(FrameType.CHANNEL_DATA, 1, new byte[1]);
        unexpected.compareAndSet(null, new AssertionError("append succeeded on a full, closed ring"));
      } catch (IOException expected) {
        // closed: what every trial should end with
      } catch (InterruptedException e) {
        return;
      }
      trialFinished = seen;
    }
  }
}
