package et.core.warmup;

import et.core.Channel;
import et.core.ChannelSink;
import et.core.EternalClient;
import et.core.EternalServer;
import et.core.Session;
import et.core.SessionOptions;
import et.core.resume.LifecycleLog;
import et.core.task.TaskGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.tinylog.Logger;

/**
 * Echoes single bytes through a throwaway session on 127.0.0.1 so that the JIT compiles the path
 * every small write takes (channel, frame sealing and opening, acknowledgements, socket I/O) before
 * real traffic needs it.
 *
 * <p>Why: a fresh JVM runs that path in the interpreter and then in profiling code for its first
 * few thousand frames, which each keystroke of a new terminal session would pay for
 * (docs/BENCHMARKS.md). A program that knows it is about to carry interactive traffic runs this
 * while it waits for something else (the et client: while ssh makes first contact).
 *
 * <p>The sessions use fresh random secrets and end before {@link #run} returns; the port is open
 * only meanwhile and, like every et session, admits no one without the secret. Everything runs in
 * a task group "warmup" owned by the caller, so it nests in the caller's task tree; the sessions
 * log their comings and goings at debug ({@link LifecycleLog#QUIET}).
 */
public final class Warmup {
  /**
   * The round trips are spread over this many sessions, one after the other: the JIT then sees
   * sessions end while it profiles, so the first real one to end (or lose its connection) does not
   * hit a branch the optimised code left out, which would send the whole path back to the
   * interpreter.
   */
  private static final int SESSIONS = 3;
  /** Channels per session, each drained into a sink of its own class (see {@link #newSink}). */
  private static final int SINK_KINDS = 3;

  private Warmup() {}

  /**
   * Echoes up to {@code roundTrips} single bytes through a session with {@code options} (those of
   * the sessions to come, so the same code gets compiled), stopping early at {@code budget} or
   * when the calling thread is interrupted (the interrupt stays set).
   *
   * @return the round trips done; 0 if the throwaway session could not be made (logged)
   */
  public static int run(SessionOptions options, int roundTrips, Duration budget) {
    if (Thread.currentThread().isInterrupted()) {
      return 0;
    }
    long deadline = System.nanoTime() + budget.toNanos();
    try {
      Integer done = ScopedValue.where(LifecycleLog.QUIET, true)
          .call(() -> TaskGroup.callAsOwner("warmup", group -> echoThroughSessions(group, options, roundTrips, deadline)));
      return done == null ? 0 : done;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  private static int echoThroughSessions(TaskGroup group, SessionOptions options, int roundTrips, long deadline) {
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    try (EternalServer server = EternalServer.start(loopback, options, group)) {
      int done = 0;
      for (int session = 0; session < SESSIONS && done < roundTrips && !over(deadline); session++) {
        int left = SESSIONS - session;
        done += echoThroughNewSession(group, server, options, (roundTrips - done + left - 1) / left, deadline);
      }
      return done;
    } catch (IOException e) {
      Logger.debug("warm-up skipped: {}", e.toString());
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  private static boolean over(long deadline) {
    return System.nanoTime() >= deadline || Thread.currentThread().isInterrupted();
  }

  private static int echoThroughNewSession(
      TaskGroup group, EternalServer server, SessionOptions options, int roundTrips, long deadline)
      throws IOException, InterruptedException {
    Session serverSide = server.newSession();
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
    try (Session client = EternalClient.connect(() -> address, serverSide.credentials(), options, group)) {
      List<Channel> channels = new ArrayList<>();
      for (int kind = 0; kind < SINK_KINDS; kind++) {
        QueueSink sink = newSink(kind);
        serverSide.tasks().fork("echo", () -> echo(serverSide, options, sink));
        channels.add(client.openChannel("warmup"));
      }
      try {
        return pingPong(channels, roundTrips, deadline);
      } finally {
        client.close(0, "warmup done");
        serverSide.tasks().awaitEnd(options.handshakeTimeout());
      }
    } finally {
      serverSide.close();
    }
  }

  /**
   * Forks a task "warmup" into {@code parent} that runs {@link #run} and then {@code then} (the
   * caller's own per-keystroke code), and logs how long both took. For a program that warms up
   * while it waits for something else; the task is on a platform thread, as the keystroke path's
   * own busiest threads are.
   */
  public static void startInBackground(
      TaskGroup parent, SessionOptions options, int roundTrips, Duration budget, Runnable then) {
    parent.fork("warmup", TaskGroup.Threads.PLATFORM, () -> {
      long start = System.nanoTime();
      int done = run(options, roundTrips, budget);
      then.run();
      Logger.debug("warm-up: {} round trips, then the caller's own, in {} ms", done, (System.nanoTime() - start) / 1_000_000);
    });
  }

  /** Echoes single bytes through each channel in turn. */
  private static int pingPong(List<Channel> channels, int roundTrips, long deadline) throws IOException {
    byte[] key = {'.'};
    byte[] buffer = new byte[64];
    int done = 0;
    // Arrays, not single bytes: the same calls a terminal's keyboard and screen copies make.
    while (done < roundTrips && !over(deadline)) {
      Channel channel = channels.get(done % channels.size());
      OutputStream out = channel.output();
      InputStream in = channel.input();
      out.write(key, 0, 1);
      out.flush();
      if (in.read(buffer) < 0) {
        break;
      }
      done++;
    }
    return done;
  }

  private static void echo(Session serverSide, SessionOptions options, QueueSink sink) {
    try {
      Channel channel = serverSide.acceptChannel(options.handshakeTimeout());
      if (channel == null) {
        return;
      }
      // Drained, as a server drains a terminal's keys: the socket reader offers each byte itself.
      if (!serverSide.tasks().tryFork("drain", () -> drain(channel, sink))) {
        return; // the session closed meanwhile: the warm-up is over
      }
      OutputStream out = channel.output();
      for (byte[] bytes; (bytes = sink.into.take()).length > 0; ) {
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
  private static void drain(Channel channel, QueueSink sink) {
    try {
      channel.drainTo(sink);
    } catch (IOException e) {
      // the client closed the session: the warm-up is over
    } finally {
      sink.into.add(new byte[0]);
    }
  }

  /** Queues the bytes it is given; never refuses an offer. */
  private static class QueueSink implements ChannelSink {
    final BlockingQueue<byte[]> into = new LinkedBlockingQueue<>();

    @Override
    public void write(byte[] bytes, int offset, int length) {
      into.add(Arrays.copyOfRange(bytes, offset, offset + length));
    }

    @Override
    public int offer(byte[] bytes, int offset, int length) {
      write(bytes, offset, length);
      return length;
    }
  }

  /**
   * A sink of one of {@link #SINK_KINDS} classes. Had the JIT seen one class only (or two), it
   * would compile the socket reader's calls to the sink for those alone, and the first byte for a
   * real sink (the screen, a terminal) would throw the compiled path away; three make it a plain
   * virtual call, which serves any sink.
   */
  private static QueueSink newSink(int kind) {
    return switch (kind) {
      case 0 -> new QueueSink() {};
      case 1 -> new QueueSink() {};
      default -> new QueueSink() {};
    };
  }
}
