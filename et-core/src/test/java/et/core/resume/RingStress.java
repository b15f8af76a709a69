package et.core.resume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import et.core.TestKeys;
import et.core.crypto.SequenceAead;
import et.core.wire.Frame;
import et.core.wire.FrameType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;

/**
 * A seeded concurrent run of one {@link BackedWriter} against a simulated peer.
 *
 * <p>Threads:
 *
 * <ul>
 *   <li>producer: appends the {@code frames} payloads in order, blocking when the ring is full;
 *   <li>sender: takes frames with {@code nextToSend()}, checks each opens to its original payload
 *       and that a resent frame is the very array sent first, and hands it to the peer (a
 *       {@link BackedReader}) unless the simulated connection broke, after which it drops them;
 *   <li>acker: acknowledges in random steps at most what the peer received and what was sent on
 *       the current connection, with the odd stale acknowledgement, and checks the invariants;
 *   <li>the caller, as coordinator: now and then (always after a break) pauses sender and acker and
 *       rewinds with {@code resumeFrom} to what the peer holds, or lower (the peer drops the
 *       overlap).
 * </ul>
 *
 * <p>Sender and acker hold the read side of {@code connection} for each step; a rewind holds the
 * write side, so it happens while both are paused, as it does between two real connections.
 */
final class RingStress {
  private static final Duration NO_PROGRESS_LIMIT = Duration.ofSeconds(20);
  private static final int MAX_ROUNDS = 100_000;

  private final Random random;
  private final long seed;
  private final List<byte[]> payloads;
  private final SequenceAead aead = new SequenceAead(TestKeys.fresh());
  private final BackedWriter writer;
  private final BackedReader peer = new BackedReader(aead);
  private final ReentrantReadWriteLock connection = new ReentrantReadWriteLock(true);
  /** The wire array of each frame the first time it went out. */
  private final ConcurrentHashMap<Long, byte[]> firstSent = new ConcurrentHashMap<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  /** Next sequence the sender takes on this connection; ≤ the writer's nextToSend at all times. */
  private volatile long sentOnConnection;
  private volatile boolean broken;
  private volatile boolean stop;
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong resent = new AtomicLong();
  private long rewinds;
  private long breaks;

  RingStress(long seed, int frames, int capacityFrames, long capacityBytes) {
    this.seed = seed;
    this.random = new Random(seed);
    this.writer = new BackedWriter(aead, capacityFrames, capacityBytes, capacityBytes / 4, capacityBytes / 8);
    this.payloads = new ArrayList<>(frames);
    for (int i = 0; i < frames; i++) {
      // Mostly small frames, some large enough that bytes, not slots, fill the ring.
      int size =
          random.nextInt(8) == 0
              ? 6_000 + random.nextInt(FrameType.MAX_DATA_BYTES - 6_000 + 1)
              : 1 + random.nextInt(1_500);
      byte[] payload = new byte[size];
      random.nextBytes(payload);
      payloads.add(payload);
    }
  }

  /** Runs to the end: every frame delivered once, in order, and acknowledged. */
  void run() throws InterruptedException {
    List<Thread> threads =
        List.of(
            start("stress producer", this::produce),
            start("stress sender", () -> send(new Random(seed + 1))),
            start("stress acker", () -> acknowledge(new Random(seed + 2))));
    try {
      coordinate();
    } finally {
      stop = true;
      writer.close(); // releases a producer still blocked if the run failed early
      for (Thread thread : threads) {
        LockSupport.unpark(thread);
        if (!thread.join(Duration.ofSeconds(10))) {
          thread.interrupt();
          fail(thread.getName() + " did not stop; seed " + seed);
        }
      }
    }
    rethrowFailure();
    assertEquals(payloads.size(), delivered.get(), "frames delivered");
    assertEquals(payloads.size(), writer.written());
    assertEquals(payloads.size(), writer.acked());
    assertEquals(0, writer.bytesHeld(), "bytes held once all is acknowledged");
    assertEquals(payloads.size(), firstSent.size());
    writer.checkInvariants();
    System.err.printf(
        "ring stress seed %d: %d frames, %d rewinds, %d broken connections, %d frames resent%n",
        seed, payloads.size(), rewinds, breaks, resent.get());
  }

  private void produce() throws Exception {
    for (int i = 0; i < payloads.size() && !stop; i++) {
      long seq = writer.append(FrameType.CHANNEL_DATA, 1 + i % 5, payloads.get(i));
      assertEquals(i, seq, "sequence number of append " + i);
    }
  }

  private void send(Random random) throws Exception {
    writer.setSender(Thread.currentThread());
    while (!stop) {
      boolean sent;
      connection.readLock().lock();
      try {
        sent = sendOne(random);
      } finally {
        connection.readLock().unlock();
      }
      if (!sent) {
        LockSupport.parkNanos(this, 200_000); // the writer unparks us on append
      }
    }
  }

  private boolean sendOne(Random random) throws Exception {
    Frame frame = writer.nextToSend();
    if (frame == null) {
      return false;
    }
    long seq = frame.header().sequence();
    assertEquals(sentOnConnection, seq, "frames go out in order");
    assertArrayEquals(payloads.get((int) seq), frame.open(aead), "frame " + seq + " opens");
    byte[] first = firstSent.putIfAbsent(seq, frame.wire());
    if (first != null) {
      resent.incrementAndGet();
      if (first != frame.wire()) {
        fail("frame " + seq + " was resent as a different array: sealed twice");
      }
    }
    sentOnConnection = seq + 1;
    if (broken) {
      return true; // written into a dead socket: the peer never sees it
    }
    if (random.nextInt(150) == 0) {
      broken = true;
      return true;
    }
    Optional<byte[]> payload = peer.accept(frame);
    if (payload.isPresent()) {
      long index = delivered.getAndIncrement();
      assertEquals(index, seq, "delivered in order");
      assertArrayEquals(payloads.get((int) index), payload.get());
    }
    return true;
  }

  private void acknowledge(Random random) throws Exception {
    while (!stop) {
      boolean acted = false;
      connection.readLock().lock();
      try {
        long acked = writer.acked();
        long ceiling = Math.min(peer.received(), sentOnConnection);
        if (random.nextInt(20) == 0) {
          writer.acknowledge(random.nextLong(acked + 1)); // stale: must be ignored
        } else if (ceiling > acked) {
          writer.acknowledge(acked + 1 + random.nextLong(ceiling - acked));
          acted = true;
        }
        // Exact here: this thread alone moves acked, and no rewind runs while we hold the lock.
        writer.checkInvariants();
      } finally {
        connection.readLock().unlock();
      }
      if (!acted) {
        LockSupport.parkNanos(this, 100_000);
      }
    }
  }

  private void coordinate() throws InterruptedException {
    int frames = payloads.size();
    for (int round = 0; round < MAX_ROUNDS && !done(); round++) {
      long target = Math.min(frames, peer.received() + 1 + random.nextInt(60));
      awaitOrFail(
          () -> broken || done() || (peer.received() >= target && target < frames),
          "progress to frame " + target);
      if (done()) {
        break;
      }
      rewind();
    }
    if (!done()) {
      fail("not done after " + MAX_ROUNDS + " rounds; seed " + seed);
    }
  }

  /** A new connection: the peer holds {@code received} frames; we resume there or below. */
  private void rewind() {
    connection.writeLock().lock();
    try {
      writer.checkInvariants();
      long acked = writer.acked();
      long received = peer.received();
      long from = random.nextInt(4) == 0 ? acked + random.nextLong(received - acked + 1) : received;
      if (broken) {
        breaks++;
      }
      writer.resumeFrom(from);
      sentOnConnection = from;
      broken = false;
      rewinds++;
      writer.checkInvariants();
    } catch (Exception e) {
      failure.compareAndSet(null, e);
    } finally {
      connection.writeLock().unlock();
    }
  }

  private boolean done() {
    return peer.received() == payloads.size() && writer.acked() == payloads.size();
  }

  private void awaitOrFail(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + NO_PROGRESS_LIMIT.toNanos();
    while (!condition.getAsBoolean()) {
      rethrowFailure();
      if (System.nanoTime() - deadline > 0) {
        fail("no " + what + " within " + NO_PROGRESS_LIMIT + "; seed " + seed + "; received "
            + peer.received() + ", acked " + writer.acked() + ", written " + writer.written());
      }
      Thread.sleep(Duration.ofNanos(200_000)); // a poll interval, not a wait for an event
    }
    rethrowFailure();
  }

  private void rethrowFailure() {
    Throwable thrown = failure.get();
    if (thrown != null) {
      throw new AssertionError("stress thread failed; seed " + seed, thrown);
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private Thread start(String name, Step step) {
    return Thread.ofPlatform()
        .name(name)
        .daemon()
        .start(
            () -> {
              try {
                step.run();
              } catch (Throwable t) {
                if (!stop) {
                  failure.compareAndSet(null, t);
                }
              }
            });
  }
}
