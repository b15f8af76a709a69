package et.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import et.testkit.Await;
import et.testkit.NetLab;
import et.testkit.SeededStream;
import et.testkit.TestSeed;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upload through a tunnel ({@code et -N -t}) over a slow uplink, whose connection then dies for
 * good as when a NAT forgets it: its packets are dropped from then on, new connections pass. While
 * the uplink is the bottleneck, et's writer waits on a full send buffer most of the time and the
 * host's frames (acknowledgements, the target's replies) keep arriving; the client must still
 * notice the silence within its dead-after time, dial again, and deliver every byte once. (TCP
 * alone would give up on the dead connection only after ~15 minutes of retransmissions.)
 *
 * <p>The tunnel is a {@link LabTunnel}: et in the client namespace of a {@link NetLab}, the session
 * host in its server namespace.
 */
@EnabledOnOs(OS.LINUX)
class ForgottenConnectionE2ETest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String UPLINK = "8mbit";
  private static final long UPLOAD_BYTES = 4 << 20;
  private static final long FORGOTTEN_AFTER_BYTES = 1 << 20;
  private static final Duration REPLY_EVERY = Duration.ofMillis(20);

  @TempDir Path base;

  @Test
  void anUploadWhoseConnectionANatForgotGoesOnOverANewOne() throws Exception {
    assumeTrue(NetLab.canBlackhole(), "nft is not installed (apt-get install nftables)");
    SeededStream upload = new SeededStream(TestSeed.forTest("upload over a forgotten connection"), UPLOAD_BYTES);
    AtomicLong received = new AtomicLong();
    AtomicBoolean replying = new AtomicBoolean(true);

    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        NetLab lab = RemoteHost.createLabOrSkip();
        RemoteHost host = RemoteHost.startIn(base, lab)) {
      lab.slowClientUplink(UPLINK, "50ms");
      try (LabTunnel tunnel = LabTunnel.open(base, lab, host, DEADLINE)) {
        EtProcess et = tunnel.et();
        SocketChannel near = tunnel.near();
        SocketChannel farEnd = tunnel.far();
        Future<byte[]> sent = threads.submit(() -> {
          byte[] sha = upload.writeTo(Channels.newOutputStream(near), 64 * 1024);
          near.shutdownOutput();
          return sha;
        });
        Future<SeededStream.Check> check = threads.submit(() -> upload.readFrom(Channels.newInputStream(farEnd), received));
        threads.submit(() -> drain(near));
        threads.submit(() -> reply(farEnd, replying));
        try {
          Await.until("the upload under way", DEADLINE, () -> received.get() >= FORGOTTEN_AFTER_BYTES);
          assertEquals(1, lab.forgetConnections(host.etPort()), "et's one connection forgotten");
          long forgotten = System.nanoTime();
          long receivedThen = received.get();
          Await.until("more of the upload over a new connection", DEADLINE,
              () -> received.get() > receivedThen + FORGOTTEN_AFTER_BYTES,
              () -> "(" + received.get() + " bytes; et: " + et.stderr() + ")");
          System.err.println("ForgottenConnectionE2ETest: the next MiB of the upload arrived "
              + Duration.ofNanos(System.nanoTime() - forgotten).toMillis() + " ms after its connection was forgotten");
          upload.assertReceived("client to target", sent.get(DEADLINE.toSeconds(), TimeUnit.SECONDS),
              check.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        } finally {
          replying.set(false);
        }
        et.terminate();
        assertEquals(128 + 15, et.awaitExit(DEADLINE), et.stderr());
      }
    }
  }

  /** The target's side: a few bytes every {@link #REPLY_EVERY} while {@code on}, so frames keep coming back. */
  private static Void reply(SocketChannel channel, AtomicBoolean on) throws IOException, InterruptedException {
    while (on.get()) {
      channel.write(ByteBuffer.wrap(new byte[] {'.'}));
      Thread.sleep(REPLY_EVERY); // the pace of the replies, not a wait for something
    }
    return null;
  }

  /** Reads and drops what comes back to the uploader. */
  private static Void drain(SocketChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    while (channel.read(buffer) >= 0) {
      buffer.clear();
    }
    return null;
  }
}
