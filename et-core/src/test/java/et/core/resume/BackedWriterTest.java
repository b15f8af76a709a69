package et.core.resume;

import static et.testkit.Await.untilBlocked;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import et.core.TestKeys;
import et.core.crypto.SequenceAead;
import et.core.wire.Frame;
import et.core.wire.FrameHeader;
import et.core.wire.FrameType;
import et.core.wire.ProtocolException;
import et.testkit.Await;
import et.testkit.TestSeed;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The backed writer on its own, one thread at a time except where a producer must block: ring
 * wrap-around, back-pressure by frames and by bytes, rewinds that resend the very same sealed
 * bytes, and the bounds of acknowledge/resumeFrom; then a seeded concurrent stress run
 * ({@link RingStress}) of producer, sender, acker and rewinds.
 */
class BackedWriterTest {
  static final int FRAMES = 8;
  /** The smallest byte capacity the writer accepts: two full data frames' payloads. */
  static final long MIN_BYTES = 2L * FrameType.MAX_DATA_BYTES;
  private static final Duration DEADLINE = Duration.ofSeconds(5);
  /** Sealed size of a frame carrying {@code payload} bytes. */
  private static final int OVERHEAD = FrameHeader.BYTES + SequenceAead.TAG_BYTES;

  private final SequenceAead aead = new SequenceAead(TestKeys.fresh());
  private final BackedWriter writer = stillClock(MIN_BYTES, 0);

  /**
   * A writer whose clock stands still: no frame ever waits long enough to hold bulk back, so the
   * tests with nobody sending are not at the mercy of the scheduler.
   */
  private BackedWriter stillClock(long bulkUnsentBytes, long interactiveReserveBytes) {
    return new BackedWriter(aead, FRAMES, MIN_BYTES, bulkUnsentBytes, interactiveReserveBytes, () -> 0L);
  }

  @Test
  void emptyWriterHasNothingToSend() {
    assertNull(writer.nextToSend());
    assertEquals(0, writer.written());
    assertEquals(0, writer.acked());
    assertEquals(0, writer.bytesHeld());
    writer.checkInvariants();
  }

  @Test
  void wrapsAroundTheRingManyTimes() throws Exception {
    long next = 0;
    // Batches of 1..FRAMES frames, so slot indices start everywhere in the ring.
    for (int round = 0; round < 200; round++) {
      int batch = 1 + round % FRAMES;
      for (int i = 0; i < batch; i++) {
        assertEquals(next + i, writer.append(FrameType.CHANNEL_DATA, 3, payload(next + i, 64)));
        writer.checkInvariants();
      }
      for (int i = 0; i < batch; i++) {
        Frame frame = writer.nextToSend();
        assertNotNull(frame, "frame " + (next + i));
        assertEquals(next + i, frame.header().sequence());
        assertEquals(3, frame.header().channel());
        assertArrayEquals(payload(next + i, 64), frame.open(aead));
      }
      assertNull(writer.nextToSend());
      // Acknowledge in two steps so acks also land mid-ring.
      writer.acknowledge(next + batch / 2);
      writer.checkInvariants();
      writer.acknowledge(next + batch);
      writer.checkInvariants();
      next += batch;
      assertEquals(next, writer.acked());
      assertEquals(0, writer.bytesHeld());
    }
    assertEquals(next, writer.written());
  }

  @Test
  void anEmptyRingAlwaysAdmitsOneFrame() throws Exception {
    byte[] big = payload(0, FrameType.MAX_DATA_BYTES);
    writer.append(FrameType.CHANNEL_DATA, 1, big);
    assertEquals(big.length + OVERHEAD, writer.bytesHeld());
    writer.nextToSend();
    writer.acknowledge(1);
    writer.append(FrameType.CHANNEL_DATA, 1, big);
    assertEquals(big.length + OVERHEAD, writer.bytesHeld());
  }

  @Test
  void producerBlocksWhileAllFrameSlotsAreTaken() throws Exception {
    for (int i = 0; i < FRAMES; i++) {
      writer.append(FrameType.CHANNEL_DATA, 1, payload(i, 10));
    }
    BlockedAppend blocked = BlockedAppend.start(writer, payload(FRAMES, 10));
    blocked.assertStillBlocked(writer);
    assertEquals(FRAMES, writer.written());

    // Sending frees nothing: only the peer's acknowledgement does.
    for (int i = 0; i < 3; i++) {
      assertNotNull(writer.nextToSend());
    }
    blocked.assertStillBlocked(writer);

    writer.acknowledge(1);
    assertEquals(FRAMES, blocked.result());
    writer.checkInvariants();
    assertEquals(FRAMES + 1, writer.written());
  }

  @Test
  void producerBlocksWhileTheBytesAreAtCapacity() throws Exception {
    // Three frames of 30% of the byte capacity fit, a fourth does not, though 5 slots are free.
    int size = (int) (MIN_BYTES * 3 / 10);
    for (int i = 0; i < 3; i++) {
      writer.append(FrameType.CHANNEL_DATA, 1, payload(i, size));
    }
    assertEquals(3L * (size + OVERHEAD), writer.bytesHeld());
    BlockedAppend blocked = BlockedAppend.start(writer, payload(3, size));
    blocked.assertStillBlocked(writer);

    writer.nextToSend();
    writer.acknowledge(1);
    assertEquals(3, blocked.result());
    assertEquals(3L * (size + OVERHEAD), writer.bytesHeld());
  }

  @Test
  void aSmallFrameStillFitsBesideAlmostFullBytes() throws Exception {
    // Room is counted in bytes, not in "some frame fits": a frame that fits goes in at once.
    int size = 10_000;
    for (int i = 0; i < 3; i++) {
      writer.append(FrameType.CHANNEL_DATA, 1, payload(i, size));
    }
    long free = MIN_BYTES - writer.bytesHeld();
    writer.append(FrameType.CHANNEL_DATA, 1, payload(3, (int) free - OVERHEAD));
    assertEquals(MIN_BYTES, writer.bytesHeld());
  }

  @Test
  void bulkWaitsForTheSenderWhileKeystrokesGoStraightIn() throws Exception {
    int bulkUnsent = 40_000;
    BackedWriter prioritised = stillClock(bulkUnsent, 0);
    prioritised.append(FrameType.CHANNEL_DATA, 1, payload(0, 30_000));
    prioritised.append(FrameType.CHANNEL_DATA, 1, payload(1, 30_000)); // under the limit when it came
    BlockedAppend bulk = BlockedAppend.start(prioritised, payload(2, 30_000));
    bulk.assertStillBlocked(prioritised);

    // A small frame is sealed at once, behind the two waiting to be sent, not behind more bulk.
    assertEquals(2, prioritised.append(FrameType.CHANNEL_DATA, 2, payload(3, BackedWriter.INTERACTIVE_BYTES)));
    bulk.assertStillBlocked(prioritised);

    prioritised.nextToSend(); // the unsent bytes fall under the limit: bulk goes on, no ack needed
    assertEquals(3, bulk.result());
    prioritised.checkInvariants();
  }

  @Test
  void bulkWaitsWhileTheNextFrameToSendHasWaitedTooLong() throws Exception {
    AtomicLong now = new AtomicLong();
    BackedWriter slowLink = new BackedWriter(aead, FRAMES, MIN_BYTES, MIN_BYTES, 0, now::get);
    slowLink.append(FrameType.CHANNEL_DATA, 1, payload(0, 30_000));
    now.addAndGet(BackedWriter.BULK_QUEUE_NANOS - 1);
    slowLink.append(FrameType.CHANNEL_DATA, 1, payload(1, 30_000)); // the link keeps up so far
    now.addAndGet(1);
    BlockedAppend bulk = BlockedAppend.start(slowLink, payload(2, 30_000));
    bulk.assertStillBlocked(slowLink); // far under the bytes limit, but the first frame waited too long

    // A keystroke is not held back, and is sealed behind the two frames only.
    assertEquals(2, slowLink.append(FrameType.CHANNEL_DATA, 2, payload(3, BackedWriter.INTERACTIVE_BYTES)));
    bulk.assertStillBlocked(slowLink);

    slowLink.nextToSend(); // the next to send now came just under the limit ago: bulk goes on
    assertEquals(3, bulk.result());
    slowLink.checkInvariants();
  }

  @Test
  void bulkStaysHeldWhileEveryFrameLeftHasWaitedTooLong() throws Exception {
    AtomicLong now = new AtomicLong();
    BackedWriter slowLink = new BackedWriter(aead, FRAMES, MIN_BYTES, MIN_BYTES, 0, now::get);
    slowLink.append(FrameType.CHANNEL_DATA, 1, payload(0, 30_000));
    slowLink.append(FrameType.CHANNEL_DATA, 1, payload(1, 30_000));
    now.addAndGet(BackedWriter.BULK_QUEUE_NANOS);
    BlockedAppend bulk = BlockedAppend.start(slowLink, payload(2, 30_000));
    slowLink.nextToSend();
    bulk.assertStillBlocked(slowLink); // the second frame waited as long
    slowLink.nextToSend();
    assertEquals(2, bulk.result()); // nothing left unsent
  }

  @Test
  void bulkLeavesTheReserveToKeystrokes() throws Exception {
    long reserve = MIN_BYTES / 4;
    BackedWriter prioritised = stillClock(MIN_BYTES, reserve);
    int size = 30_000;
    for (int i = 0; i < 3; i++) { // 90 KB of 128 KiB: the fourth would cut into the 32 KiB reserve
      prioritised.append(FrameType.CHANNEL_DATA, 1, payload(i, size));
      prioritised.nextToSend();
    }
    BlockedAppend bulk = BlockedAppend.start(prioritised, payload(3, size));
    bulk.assertStillBlocked(prioritised);
    for (int i = 0; i < 4; i++) {
      prioritised.append(FrameType.CHANNEL_DATA, 2, payload(10 + i, 100)); // keystrokes use the reserve
    }
    prioritised.acknowledge(1);
    assertEquals(7, bulk.result());
    prioritised.checkInvariants();
  }

  @Test
  void aRewindCountsTheResentBytesAsUnsentAgain() throws Exception {
    BackedWriter prioritised = stillClock(40_000, 0);
    prioritised.append(FrameType.CHANNEL_DATA, 1, payload(0, 30_000));
    prioritised.nextToSend();
    prioritised.append(FrameType.CHANNEL_DATA, 1, payload(1, 30_000));
    prioritised.nextToSend(); // both sent on a connection that then died
    prioritised.resumeFrom(0); // the new one resends both: 60 KB unsent again
    BlockedAppend bulk = BlockedAppend.start(prioritised, payload(2, 30_000));
    bulk.assertStillBlocked(prioritised);
    prioritised.nextToSend();
    assertEquals(2, bulk.result());
  }

  @Test
  void rewindResendsTheSameSealedBytes() throws Exception {
    List<Frame> firstSend = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      writer.append(FrameType.CHANNEL_DATA, 5, payload(i, 100));
    }
    for (Frame frame; (frame = writer.nextToSend()) != null; ) {
      firstSend.add(frame);
    }
    writer.acknowledge(2);

    // A new connection: the peer says it holds 3 frames.
    writer.resumeFrom(3);
    assertEquals(3, writer.acked());
    for (int seq = 3; seq < 6; seq++) {
      Frame again = writer.nextToSend();
      // The same array object, not merely equal bytes: the frame was sealed once, never again.
      assertSame(firstSend.get(seq).wire(), again.wire(), "frame " + seq);
    }
    assertNull(writer.nextToSend());

    // Rewind to exactly the acknowledged point resends everything still held, again identically.
    writer.resumeFrom(3);
    for (int seq = 3; seq < 6; seq++) {
      assertSame(firstSend.get(seq).wire(), writer.nextToSend().wire());
    }
    writer.checkInvariants();
  }

  @Test
  void resumeFromAtWrittenSendsNothingMore() throws Exception {
    writer.append(FrameType.CHANNEL_DATA, 1, payload(0, 10));
    writer.append(FrameType.CHANNEL_DATA, 1, payload(1, 10));
    writer.resumeFrom(2); // the peer got both over a connection we lost track of
    assertNull(writer.nextToSend());
    assertEquals(2, writer.acked());
    assertEquals(0, writer.bytesHeld());
  }

  @Test
  void resumeFromOutsideAckedToWrittenIsRefused() throws Exception {
    for (int i = 0; i < 5; i++) {
      writer.append(FrameType.CHANNEL_DATA, 1, payload(i, 10));
    }
    for (int i = 0; i < 4; i++) {
      writer.nextToSend();
    }
    writer.acknowledge(2);

    assertThrows(ProtocolException.class, () -> writer.resumeFrom(1)); // below acked: data lost
    assertThrows(ProtocolException.class, () -> writer.resumeFrom(6)); // beyond written
    assertThrows(ProtocolException.class, () -> writer.resumeFrom(-1));

    // A refused resume leaves the writer as it was: frame 4 is still next.
    assertEquals(2, writer.acked());
    assertEquals(4, writer.nextToSend().header().sequence());
    writer.checkInvariants();
  }

  @Test
  void acknowledgingBeyondWhatWasSentIsRefused() throws Exception {
    for (int i = 0; i < 5; i++) {
      writer.append(FrameType.CHANNEL_DATA, 1, payload(i, 10));
    }
    writer.nextToSend();
    writer.nextToSend();
    assertThrows(ProtocolException.class, () -> writer.acknowledge(3));
    assertThrows(ProtocolException.class, () -> writer.acknowledge(6));
    assertEquals(0, writer.acked());

    writer.acknowledge(2);
    writer.acknowledge(1); // an older acknowledgement overtaken by a newer one is ignored
    assertEquals(2, writer.acked());
    writer.checkInvariants();
  }

  @Test
  void closeFailsABlockedProducerAndLaterAppends() throws Exception {
    for (int i = 0; i < FRAMES; i++) {
      writer.append(FrameType.CHANNEL_DATA, 1, payload(i, 10));
    }
    BlockedAppend blocked = BlockedAppend.start(writer, payload(FRAMES, 10));
    blocked.assertStillBlocked(writer);

    writer.close();
    ExecutionException failure =
        assertThrows(ExecutionException.class, () -> blocked.future.get(5, TimeUnit.SECONDS));
    assertInstanceOf(IOException.class, failure.getCause());
    assertThrows(IOException.class, () -> writer.append(FrameType.CHANNEL_DATA, 1, payload(0, 1)));

    // The backlog stays readable after close.
    assertEquals(0, writer.nextToSend().header().sequence());
  }

  @Test
  void concurrentProducerSenderAckerAndRewindsKeepTheInvariants() throws Exception {
    long seed = TestSeed.forTest("BackedWriterTest stress");
    // Minimum byte capacity and 8 slots, so both limits bite and the ring wraps hundreds of times.
    new RingStress(seed, 3_000, FRAMES, MIN_BYTES).run();
  }

  @Test
  void onlyStreamFramesAreAppended() {
    assertThrows(
        IllegalArgumentException.class, () -> writer.append(FrameType.ACK, 0, new byte[8]));
    assertThrows(
        IllegalArgumentException.class, () -> writer.append(FrameType.HELLO, 0, new byte[49]));
  }

  @Test
  void capacitiesAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> new BackedWriter(aead, 6, MIN_BYTES, MIN_BYTES, 0));
    assertThrows(IllegalArgumentException.class, () -> new BackedWriter(aead, 8, MIN_BYTES - 1, MIN_BYTES, 0));
  }

  /** A recognisable payload: the sequence number, then filler derived from it. */
  static byte[] payload(long seq, int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (seq * 31 + i);
    }
    if (size >= 8) {
      ByteBuffer.wrap(bytes).putLong(seq);
    }
    return bytes;
  }

  /** An append running on its own platform thread, so a test can see whether it blocks. */
  private record BlockedAppend(Thread thread, FutureTask<Long> future) {
    static BlockedAppend start(BackedWriter writer, byte[] payload) {
      FutureTask<Long> future =
          new FutureTask<>(() -> writer.append(FrameType.CHANNEL_DATA, 1, payload));
      Thread thread = Thread.ofPlatform().name("blocked producer").daemon().start(future);
      return new BlockedAppend(thread, future);
    }

    /** The append is parked inside the writer (the writer is its park blocker) and has not returned. */
    void assertStillBlocked(BackedWriter writer) {
      untilBlocked(thread, DEADLINE);
      Await.until(
          "the producer parks in the writer", DEADLINE, () -> LockSupport.getBlocker(thread) == writer || future.isDone());
      assertFalse(future.isDone(), "append returned while the ring was full");
      assertEquals(Thread.State.WAITING, thread.getState());
    }

    long result() throws Exception {
      return future.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
