package et.core.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.Channel;
import et.core.ChannelSink;
import et.core.EternalServer;
import et.core.Session;
import et.core.SessionOptions;
import et.core.testing.Loopback;
import et.core.wire.FrameType;
import et.testkit.Await;
import et.testkit.TestSeed;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Channel#drainTo} over a real session on loopback: bytes reach the sink exactly once and in
 * order however the sink splits them between {@link ChannelSink#offer} (on the socket reader) and
 * {@link ChannelSink#write}; credit comes back for offered bytes too (four windows go through the
 * minimum window); failures of the sink are reported where the contract says.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DrainToTest {
  private static final int WINDOW = FrameType.MAX_DATA_BYTES;
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private EternalServer server;
  private Session serverSide;
  private Session client;
  private Thread drainer;

  @BeforeEach
  void connect() throws IOException {
    SessionOptions options = SessionOptions.defaults().withChannelWindow(WINDOW);
    server = Loopback.server(options);
    serverSide = server.newSession();
    client = Loopback.connect(server, serverSide, options);
  }

  @AfterEach
  void disconnect() {
    client.close();
    server.close();
  }

  /** How much of each offer the sink takes. */
  enum Taking { ALL, NONE, SOME }

  @ParameterizedTest(name = "offer takes {0}")
  @EnumSource(Taking.class)
  void everyByteArrivesOnceAndInOrder(Taking taking) throws Exception {
    Random random = new Random(TestSeed.forTest("DrainToTest" + taking));
    byte[] sent = new byte[4 * WINDOW];
    random.nextBytes(sent);
    RecordingSink sink = new RecordingSink(taking, random.nextLong());
    Channel ours = client.openChannel("keys");
    Channel theirs = serverSide.acceptChannel(DEADLINE);
    assertNotNull(theirs);
    CompletableFuture<Long> drained = drainInBackground(theirs, sink);
    awaitDrainerWaiting(drained); // bytes that come before the drain starts are queued for it

    OutputStream out = ours.output();
    for (int at = 0; at < sent.length; ) {
      int n = Math.min(1 + random.nextInt(3000), sent.length - at);
      out.write(sent, at, n);
      at += n;
    }
    ours.shutdownOutput();

    assertEquals(sent.length, drained.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
    assertArrayEquals(sent, sink.received());
    switch (taking) {
      case ALL -> assertEquals(sent.length, sink.offered.get(), "everything went in through offer");
      case NONE -> assertEquals(0, sink.offered.get(), "nothing went in through offer");
      case SOME -> assertTrue(sink.offered.get() > 0 && sink.offered.get() < sent.length,
          "both ways were taken: " + sink.offered.get() + " offered");
    }
  }

  @Test
  void writesComeFromASmallArrayUntilTheSinkFallsBehind() throws Exception {
    List<Integer> arrays = new CopyOnWriteArrayList<>();
    RecordingSink sink = new RecordingSink(Taking.NONE, 0) {
      @Override
      public synchronized void write(byte[] b, int offset, int length) {
        arrays.add(b.length);
        super.write(b, offset, length);
      }
    };
    Channel ours = client.openChannel("keys");
    Channel theirs = serverSide.acceptChannel(DEADLINE);
    CompletableFuture<Long> drained = drainInBackground(theirs, sink);
    awaitDrainerWaiting(drained);
    ours.output().write('x');
    Await.until("the key written", DEADLINE, () -> sink.received().length == 1);
    assertEquals(List.of(ChannelEnd.FIRST_DRAIN_BYTES), arrays, "the array a key waits in");

    byte[] bulk = new byte[4 * WINDOW];
    new Random(TestSeed.forTest("DrainToTest bulk")).nextBytes(bulk);
    ours.output().write(bulk);
    ours.shutdownOutput();
    assertEquals(1 + bulk.length, drained.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
    assertArrayEquals(bulk, Arrays.copyOfRange(sink.received(), 1, 1 + bulk.length));
    assertTrue(arrays.contains(FrameType.MAX_DATA_BYTES), "a sink behind takes a frame's data at a time: " + arrays);
  }

  @Test
  void bytesAFailingOfferDidNotTakeAreWritten() throws Exception {
    byte[] sent = "typed while the sink could not take them".getBytes();
    RecordingSink sink = new RecordingSink(Taking.NONE, 0) {
      @Override
      public int offer(byte[] bytes, int offset, int length) throws IOException {
        throw new IOException("not now");
      }
    };
    Channel ours = client.openChannel("keys");
    Channel theirs = serverSide.acceptChannel(DEADLINE);
    CompletableFuture<Long> drained = drainInBackground(theirs, sink);
    ours.output().write(sent);
    ours.shutdownOutput();
    assertEquals(sent.length, drained.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
    assertArrayEquals(sent, sink.received());
  }

  @Test
  void aFailedWriteEndsTheDrainWithItsException() throws Exception {
    IOException broken = new IOException("the terminal is gone");
    ChannelSink sink = new ChannelSink() {
      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        throw broken;
      }

      @Override
      public int offer(byte[] bytes, int offset, int length) {
        return 0;
      }
    };
    Channel ours = client.openChannel("keys");
    Channel theirs = serverSide.acceptChannel(DEADLINE);
    CompletableFuture<Long> drained = drainInBackground(theirs, sink);
    ours.output().write('x');
    ExecutionException failed =
        assertThrows(ExecutionException.class, () -> drained.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
    assertSame(broken, failed.getCause());
  }

  @Test
  void aChannelIsDrainedByOneThreadAtATime() throws Exception {
    client.openChannel("keys");
    Channel theirs = serverSide.acceptChannel(DEADLINE);
    RecordingSink sink = new RecordingSink(Taking.ALL, 0);
    CompletableFuture<Long> first = drainInBackground(theirs, sink);
    awaitDrainerWaiting(first);
    assertThrows(IllegalStateException.class, () -> theirs.drainTo(sink));
  }

  private void awaitDrainerWaiting(CompletableFuture<Long> drained) {
    Await.until("the drain to wait for bytes", DEADLINE,
        () -> drained.isDone() || drainer.getState() == Thread.State.WAITING);
  }

  private CompletableFuture<Long> drainInBackground(Channel channel, ChannelSink sink) {
    CompletableFuture<Long> drained = new CompletableFuture<>();
    drainer = Thread.ofPlatform().name("drain").daemon().start(() -> {
      try {
        drained.complete(channel.drainTo(sink));
      } catch (Throwable e) {
        drained.completeExceptionally(e);
      }
    });
    return drained;
  }

  /** Records every byte in arrival order; offers take all, none, or a seeded random part. */
  private static class RecordingSink implements ChannelSink {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Taking taking;
    private final Random random;
    final AtomicLong offered = new AtomicLong();

    RecordingSink(Taking taking, long seed) {
      this.taking = taking;
      this.random = new Random(seed);
    }

    @Override
    public synchronized void write(byte[] b, int offset, int length) {
      bytes.write(b, offset, length);
    }

    @Override
    public synchronized int offer(byte[] b, int offset, int length) throws IOException {
      int n = switch (taking) {
        case ALL -> length;
        case NONE -> 0;
        case SOME -> random.nextInt(length + 1);
      };
      bytes.write(b, offset, n);
      offered.addAndGet(n);
      return n;
    }

    synchronized byte[] received() {
      return bytes.toByteArray();
    }
  }
}
