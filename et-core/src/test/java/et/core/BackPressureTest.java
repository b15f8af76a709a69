package et.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.testing.MeteredOutputStream;
import et.core.wire.FrameType;
import et.testkit.Await;
import et.testkit.FaultRelay;
import et.testkit.SeededStream;
import et.testkit.TestSeed;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tinylog.Logger;

/**
 * A receiver that stops reading stops its sender: the sender's writes block once it has used the
 * channel window, memory stays bounded on both ends, and once the receiver reads again every byte
 * arrives intact. Run directly, and through a relay that cuts the connection while the sender is
 * blocked (a reconnect must neither lose the window's bytes nor grant window the reader never gave).
 */
class BackPressureTest {
  private static final SessionOptions OPTIONS = SessionOptions.defaults();
  private static final int WINDOW = OPTIONS.channelWindowBytes();
  /** ResumableStream.BACKLOG_BYTES: sealed bytes a stream may hold for replay. */
  private static final long BACKLOG_CAP = 4L << 20;
  private static final long TOTAL_BYTES = 8L << 20;
  private static final int WRITE_PIECE = 4 * 1024;
  /** The receiver reads this much, then stops: exactly the batch after which it returns credit. */
  private static final int READ_BEFORE_STOPPING = WINDOW / 4;
  /** A writer whose count has not moved for this long, inside write(), is taken as blocked. */
  private static final Duration STILL_FOR = Duration.ofMillis(300);
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(20);

  @ParameterizedTest(name = "through relay with a cut: {0}")
  @ValueSource(booleans = {false, true})
  @Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void senderBlocksAtTheWindowAndEveryByteArrivesOnceReadingResumes(boolean throughRelay)
      throws Exception {
    long seed = TestSeed.forTest("BackPressureTest");
    SeededStream data = new SeededStream(seed, TOTAL_BYTES);
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    try (EternalServer server = EternalServer.start(loopback, OPTIONS);
        FaultRelay relay =
            new FaultRelay(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Session serverSide = server.newSession();
      InetSocketAddress dial =
          throughRelay ? relay.address() : new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
      Session client = EternalClient.connect(dial, serverSide.credentials(), OPTIONS);
      Channel sending = client.openChannel("bulk");
      Channel receiving = serverSide.acceptChannel(Duration.ofSeconds(5));
      assertNotNull(receiving);
      BacklogWatch backlog = BacklogWatch.start(threads, client, serverSide);

      MeteredOutputStream metered = new MeteredOutputStream(sending.output());
      AtomicReference<Thread> writerThread = new AtomicReference<>();
      Future<byte[]> sent =
          threads.submit(
              () -> {
                writerThread.set(Thread.currentThread());
                byte[] sha = data.writeTo(metered, WRITE_PIECE);
                sending.shutdownOutput();
                return sha;
              });
      byte[] prefix = receiving.input().readNBytes(READ_BEFORE_STOPPING);

      long accepted = awaitBlocked(metered);
      Logger.info("writer blocked after {} bytes, backlog peak {}", accepted, backlog.peak());
      assertEquals(Thread.State.WAITING, writerThread.get().getState(), "the writer is parked");
      // Window credit comes back in batches, so the reader's prefix may or may not have been credited.
      assertTrue(
          accepted <= READ_BEFORE_STOPPING + WINDOW + FrameType.MAX_DATA_BYTES,
          "accepted " + accepted + ": more than the window allows");
      assertTrue(accepted >= WINDOW - WRITE_PIECE, "accepted " + accepted + ": stopped short of the window");
      Await.until(
          "every accepted byte reached the receiver's buffer",
          STEP_TIMEOUT,
          () -> READ_BEFORE_STOPPING + buffered(receiving) >= accepted);
      long held = buffered(receiving);
      assertTrue(held <= WINDOW, "receiver holds " + held + " bytes, more than its window");

      if (throughRelay) {
        int before = relay.connectionsAccepted();
        relay.cutAll();
        Await.until(
            "both ends reconnected",
            STEP_TIMEOUT,
            () ->
                relay.connectionsAccepted() > before
                    && relay.openConnections() == 1
                    && client.state() == SessionState.CONNECTED
                    && serverSide.state() == SessionState.CONNECTED);
        assertEquals(accepted, awaitBlocked(metered), "the reconnect granted no window");
        assertEquals(held, buffered(receiving), "nothing lost or delivered twice by the reconnect");
      }

      InputStream whole = new SequenceInputStream(new ByteArrayInputStream(prefix), receiving.input());
      SeededStream.Check check = data.readFrom(whole, new AtomicLong());
      byte[] sentSha = sent.get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertEquals(-1, check.firstMismatch(), check.toString());
      assertEquals(TOTAL_BYTES, check.count());
      assertArrayEquals(sentSha, check.sha256(), "SHA-256 of bytes sent and received");
      long peak = backlog.stop();
      Logger.info("backlog peak over the whole transfer: {} bytes", peak);
      assertTrue(peak < BACKLOG_CAP, "backlog peak " + peak + " within the cap " + BACKLOG_CAP);
      client.close();
      assertTrue(serverSide.awaitEnd(Duration.ofSeconds(5)));
    }
  }

  /**
   * Waits until the writer is inside write() and its count has stayed put for {@link #STILL_FOR};
   * returns the count.
   */
  private static long awaitBlocked(MeteredOutputStream metered) throws InterruptedException {
    long[] last = {-1};
    long[] since = {System.nanoTime()};
    Await.until(
        "the writer blocks",
        STEP_TIMEOUT,
        () -> {
          long now = System.nanoTime();
          long count = metered.accepted();
          if (count != last[0] || !metered.writing()) {
            last[0] = count;
            since[0] = now;
            return false;
          }
          return now - since[0] >= STILL_FOR.toNanos();
        });
    return last[0];
  }

  /** Bytes the receiver holds unread. */
  private static long buffered(Channel channel) {
    try {
      return channel.input().available();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Samples both ends' backlog until stopped, keeping the peak. */
  private static final class BacklogWatch {
    private final AtomicLong peak = new AtomicLong();
    private volatile boolean stopped;
    private Future<?> sampler;

    static BacklogWatch start(ExecutorService threads, Session... sessions) {
      BacklogWatch watch = new BacklogWatch();
      watch.sampler =
          threads.submit(
              () -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!watch.stopped && System.nanoTime() < deadline) {
                  for (Session session : sessions) {
                    watch.peak.accumulateAndGet(session.backlogBytes(), Math::max);
                  }
                  Thread.sleep(1); // sampling interval
                }
                return null;
              });
      return watch;
    }

    long peak() {
      return peak.get();
    }

    long stop() throws Exception {
      stopped = true;
      sampler.get(5, TimeUnit.SECONDS);
      return peak.get();
    }
  }
}
