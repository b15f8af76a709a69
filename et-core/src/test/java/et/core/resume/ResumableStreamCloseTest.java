package et.core.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;

import et.core.EternalServer;
import et.core.Session;
import et.core.SessionCredentials;
import et.core.SessionOptions;
import et.core.wire.FrameType;
import et.testkit.Await;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client stream closed in order returns from {@link ResumableStream#run()} with how it ended,
 * as its contract says, instead of failing. (Found while writing the channel tests: every orderly
 * client close logged "session …: failed: java.lang.InterruptedException".)
 */
class ResumableStreamCloseTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final Liveness LIVENESS =
      new Liveness(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofHours(1), Duration.ofMinutes(10));

  @Test
  void anOrderlyClientCloseEndsRunNormally() throws Exception {
    try (EternalServer server =
            EternalServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), SessionOptions.defaults());
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      // A few sessions: in a rare interleaving the connection dies first and run() ends normally.
      for (int attempt = 0; attempt < 3; attempt++) {
        closeOneSession(server, threads);
      }
    }
  }

  private static void closeOneSession(EternalServer server, ExecutorService threads) throws Exception {
    Session serverSide = server.newSession();
    SessionCredentials credentials = serverSide.credentials();
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
    ResumableStream stream =
        ResumableStream.connect(
            credentials.id().bytes(),
            credentials.secret(),
            LIVENESS,
            null,
            new Dialer(() -> address));
    stream.setListener(
        new StreamListener() {
          @Override
          public void deliver(FrameType type, int channel, byte[] payload) {}

          @Override
          public void ended(StreamEnd end) {}
        });
    Future<StreamEnd> run = threads.submit(stream::run);
    Await.until(
        "client connects", DEADLINE, () -> stream.state() == ResumableStream.State.CONNECTED);

    stream.close(0, "done here");

    StreamEnd end;
    try {
      end = run.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError(
          "run() failed instead of returning how the stream ended: finish() -> source.close()"
              + " interrupted the run thread inside LiveConnection.run()",
          e.getCause());
    }
    assertEquals(StreamEnd.Cause.CLOSED, end.cause());
    assertEquals("done here", end.reason(), "the closer's end gives its close's reason");
    assertEquals(end, stream.end());
  }
}
