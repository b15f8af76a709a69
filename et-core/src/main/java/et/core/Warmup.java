package et.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.tinylog.Logger;

/**
 * Echoes single bytes through a throwaway session on 127.0.0.1 so that the JIT compiles the path
 * every small write takes (channel, frame sealing and opening, acknowledgements, socket I/O) before
 * real traffic needs it.
 *
 * <p>Why: a fresh JVM runs that path in the interpreter and then in profiling code for its first
 * few thousand frames. Each keystroke of a new terminal session paid for it: the echo through et
 * took 3.6 ms over the first 50 keys of a fresh client and 1.6 ms after 400 (docs/BENCHMARKS.md).
 * A program that knows it is about to carry interactive traffic runs this while it waits for
 * something else (the et client: while ssh makes first contact).
 *
 * <p>The session uses a fresh random secret and ends before {@link #run} returns; its port is
 * open only meanwhile and, like every et session, admits no one without the secret.
 */
public final class Warmup {
  private Warmup() {}

  /**
   * Echoes up to {@code roundTrips} single bytes through a session with {@code options} (those of
   * the sessions to come, so the same code gets compiled), stopping early at {@code budget} or
   * when the calling thread is interrupted (the interrupt stays set).
   *
   * @return the round trips done; 0 if the throwaway session could not be made (logged)
   */
  public static int run(SessionOptions options, int roundTrips, Duration budget) {
    long deadline = System.nanoTime() + budget.toNanos();
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    try (EternalServer server = EternalServer.start(loopback, options)) {
      Session serverSide = server.newSession();
      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
      try (Session client = EternalClient.connect(address, serverSide.credentials(), options)) {
        Channel channel = client.openChannel("warmup");
        Thread echo = Thread.ofVirtual().name("et warmup echo").start(() -> echo(serverSide, options));
        try {
          return pingPong(channel, roundTrips, deadline);
        } finally {
          client.close(0, "warmup done");
          echo.join(options.handshakeTimeout().toMillis());
        }
      } finally {
        serverSide.close();
      }
    } catch (IOException e) {
      Logger.debug("warm-up skipped: {}", e.toString());
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  /**
   * Starts, on a daemon platform thread "et warmup", {@link #run} and then {@code then} (the
   * caller's own per-keystroke code), and logs how long both took. For a program that warms up
   * while it waits for something else.
   */
  public static void startInBackground(SessionOptions options, int roundTrips, Duration budget, Runnable then) {
    Thread.ofPlatform().name("et warmup").daemon().start(() -> {
      long start = System.nanoTime();
      int done = run(options, roundTrips, budget);
      then.run();
      Logger.debug("warm-up: {} round trips, then the caller's own, in {} ms", done, (System.nanoTime() - start) / 1_000_000);
    });
  }

  private static int pingPong(Channel channel, int roundTrips, long deadline) throws IOException {
    OutputStream out = channel.output();
    InputStream in = channel.input();
    byte[] key = {'.'};
    byte[] buffer = new byte[64];
    int done = 0;
    // Arrays, not single bytes: the same calls a terminal's keyboard and screen copies make.
    while (done < roundTrips && System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
      out.write(key, 0, 1);
      out.flush();
      if (in.read(buffer) < 0) {
        break;
      }
      done++;
    }
    return done;
  }

  private static void echo(Session serverSide, SessionOptions options) {
    try {
      Channel channel = serverSide.acceptChannel(options.handshakeTimeout());
      if (channel == null) {
        return;
      }
      // Drained, as a server drains a terminal's keys: the socket reader offers each byte itself.
      BlockingQueue<byte[]> echoes = new LinkedBlockingQueue<>();
      Thread.ofVirtual().name("et warmup drain").start(() -> drain(channel, echoes));
      OutputStream out = channel.output();
      for (byte[] bytes; (bytes = echoes.take()).length > 0; ) {
        out.write(bytes);
        out.flush();
      }
    } catch (IOException e) {
      // the client closed the session: the warm-up is over
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Queues what arrives on {@code channel}, then an empty array at its end. */
  private static void drain(Channel channel, BlockingQueue<byte[]> into) {
    try {
      channel.drainTo(new ChannelSink() {
        @Override
        public void write(byte[] bytes, int offset, int length) {
          into.add(Arrays.copyOfRange(bytes, offset, offset + length));
        }

        @Override
        public int offer(byte[] bytes, int offset, int length) {
          write(bytes, offset, length);
          return length;
        }
      });
    } catch (IOException e) {
      // the client closed the session: the warm-up is over
    } finally {
      into.add(new byte[0]);
    }
  }
}
