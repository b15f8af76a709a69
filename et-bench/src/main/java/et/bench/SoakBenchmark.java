package et.bench;

import et.core.EternalClient;
import et.core.Session;
import et.core.SessionCredentials;
import et.core.SessionOptions;
import et.core.SessionState;
import et.testkit.FaultRelay;
import et.testkit.SeededStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Many et.core sessions on one server for minutes, some streaming, under seeded random cuts and
 * blackholes. The server ({@link SoakServer}) runs in a child JVM so that its RSS, threads and fds
 * are its own; the clients, the {@link FaultRelay}s they connect through and the checks run here.
 * Session i goes through relay i mod {@link #RELAYS}; the first M sessions each echo a paced
 * {@link SeededStream} ({@link EchoedStream}). Default options everywhere: the soak is of the
 * configuration users get. Checks, each printed PASS or FAIL: every echo exact; every session
 * alive at the end on both sides; the server's footprint flat ({@link FootprintFlatness}); its fds
 * back to the baseline (+{@link #FD_LEAK_ALLOWANCE}) once every session is closed.
 */
final class SoakBenchmark implements Benchmark {
  static final int RELAYS = 8;
  static final long STREAM_BYTES_PER_SECOND = 32 * 1024;
  static final int FD_LEAK_ALLOWANCE = 8;
  private static final Duration SAMPLE_EVERY = Duration.ofSeconds(10);
  private static final Duration WAIT = Duration.ofSeconds(180);
  private static final long WARM_UP_BYTES = 256 * 1024;

  private final int sessionCount;
  private final int streamingCount;
  private final Duration span;
  private final long seed;

  SoakBenchmark(int sessionCount, int streamingCount, int minutes, long seed) {
    if (streamingCount > sessionCount) {
      throw new IllegalArgumentException(
          "--streaming " + streamingCount + " exceeds --sessions " + sessionCount);
    }
    this.sessionCount = sessionCount;
    this.streamingCount = streamingCount;
    this.span = Duration.ofMinutes(minutes);
    this.seed = seed;
  }

  @Override
  public int run(PrintStream out) throws Exception {
    SessionOptions options = SessionOptions.defaults();
    long streamBytes = STREAM_BYTES_PER_SECOND * span.toSeconds();
    out.printf(
        Locale.ROOT,
        "soak: %d sessions through %d relays, %d echoing %d KiB/s each (%.1f MiB per stream), %d min,"
            + " seed %d, default options, %d CPUs, %s%n",
        sessionCount, RELAYS, streamingCount, STREAM_BYTES_PER_SECOND / 1024, streamBytes / 1048576.0,
        span.toMinutes(), seed, Runtime.getRuntime().availableProcessors(), Runtime.version());
    List<FaultRelay> relays = new ArrayList<>();
    List<Session> sessions = new ArrayList<>();
    try (SoakServerProcess server = SoakServerProcess.start()) {
      InetSocketAddress serverAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
      warmUp(server, serverAddress, options);
      ProcessFootprint baseline = ProcessFootprint.of(server.handle());
      out.printf("  server pid %d after a warm-up session: %s%n", server.handle().pid(), baseline);
      try {
        for (int i = 0; i < RELAYS; i++) {
          relays.add(new FaultRelay(serverAddress));
        }
        long started = System.nanoTime();
        List<SessionCredentials> credentials = server.newSessions(sessionCount);
        for (int i = 0; i < sessionCount; i++) {
          sessions.add(EternalClient.connect(relays.get(i % RELAYS).address(), credentials.get(i), options));
        }
        SessionStates.awaitAllConnected(sessions, WAIT);
        out.printf(Locale.ROOT, "  %d sessions connected in %.1f s%n", sessionCount, (System.nanoTime() - started) / 1e9);

        List<EchoedStream> streams = new ArrayList<>();
        for (int i = 0; i < streamingCount; i++) {
          streams.add(EchoedStream.start(sessions.get(i), new SeededStream(seed + i, streamBytes), STREAM_BYTES_PER_SECOND));
        }
        FootprintFlatness flatness = new FootprintFlatness(sessionCount / RELAYS + FD_LEAK_ALLOWANCE);
        SoakFaults faults = SoakFaults.start(relays, seed, span);
        sample(out, server, sessions, streams, flatness);
        SoakFaults.Done done = faults.stop();

        boolean exact = checkStreams(out, streams);
        long echoed = streams.stream().mapToLong(EchoedStream::echoedBytes).sum();
        long reconnects = sessions.stream().mapToLong(s -> s.connections() - 1).sum();
        out.printf(
            "  faults: %d cuts (%d connections reset), %d short blackholes (%d ms), %d long (%d s)%n",
            done.cuts(), done.connectionsCut(), done.shortBlackholes(), SoakFaults.SHORT_BLACKHOLE.toMillis(),
            done.longBlackholes(), SoakFaults.LONG_BLACKHOLE.toSeconds());
        out.printf(
            Locale.ROOT,
            "  reconnects seen by the clients: %d; bytes echoed: %.1f MiB (each carried both ways)%n",
            reconnects, echoed / 1048576.0);
        boolean alive = checkAlive(out, server, sessions);
        boolean flat = flatness.report(out);
        boolean noLeak = checkFdsReturn(out, server, sessions, baseline);
        boolean pass = exact && alive && flat && noLeak;
        out.println("soak: " + (pass ? "PASS" : "FAIL"));
        return pass ? 0 : 1;
      } finally {
        sessions.forEach(Session::close);
        relays.forEach(FaultRelay::close);
      }
    }
  }

  /** One session echoing a short stream straight to the server, so one-time costs precede the baseline. */
  private static void warmUp(SoakServerProcess server, InetSocketAddress address, SessionOptions options)
      throws IOException, InterruptedException {
    Session session = EternalClient.connect(address, server.newSessions(1).getFirst(), options);
    EchoedStream echo = EchoedStream.start(session, new SeededStream(0, WARM_UP_BYTES), WARM_UP_BYTES);
    if (!echo.await(WAIT) || !echo.exact()) {
      throw new IOException("warm-up echo: " + echo.outcome());
    }
    echo.close();
    session.close();
    awaitServerSessions(server, 0);
  }

  /** Samples the server every {@link #SAMPLE_EVERY} for the soak's span, printing a table row each time. */
  private void sample(
      PrintStream out, SoakServerProcess server, List<Session> sessions, List<EchoedStream> streams,
      FootprintFlatness flatness) throws IOException, InterruptedException {
    out.println("  time s  RSS MiB  heap MiB  threads    fds  connected  reconnects  echoed MiB");
    long start = System.nanoTime();
    for (int n = 1; ; n++) {
      long dueNanos = start + SAMPLE_EVERY.toNanos() * n;
      if (dueNanos - start > span.toNanos()) {
        return;
      }
      Thread.sleep(Duration.ofNanos(Math.max(0, dueNanos - System.nanoTime())));
      ProcessFootprint footprint = ProcessFootprint.of(server.handle());
      long liveHeap = server.liveHeapBytes();
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      flatness.add(new FootprintFlatness.Sample(elapsed, footprint, liveHeap));
      out.printf(
          Locale.ROOT,
          "  %6d  %7.1f  %8.1f  %7d  %5d  %9d  %10d  %10.1f%n",
          elapsed.toSeconds(), footprint.rssMiB(), liveHeap / 1048576.0, footprint.threads(), footprint.fds(),
          sessions.stream().filter(s -> s.state() == SessionState.CONNECTED).count(),
          sessions.stream().mapToLong(s -> s.connections() - 1).sum(),
          streams.stream().mapToLong(EchoedStream::echoedBytes).sum() / 1048576.0);
    }
  }

  private boolean checkStreams(PrintStream out, List<EchoedStream> streams) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    int exact = 0;
    for (int i = 0; i < streams.size(); i++) {
      EchoedStream stream = streams.get(i);
      stream.await(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      if (stream.exact()) {
        exact++;
      } else {
        out.printf("  stream %d: %s%n", i, stream.outcome());
      }
      stream.close();
    }
    boolean pass = exact == streams.size();
    out.printf("streams exact (every byte echoed once, in order, same SHA-256): %d of %d: %s%n",
        exact, streams.size(), pass ? "PASS" : "FAIL");
    return pass;
  }

  private boolean checkAlive(PrintStream out, SoakServerProcess server, List<Session> sessions)
      throws IOException, InterruptedException {
    long ended = sessions.stream().filter(s -> s.end() != null).count();
    int serverSessions = server.sessionCount();
    boolean pass = ended == 0 && serverSessions == sessions.size();
    out.printf("sessions alive at the end: %d of %d on the clients, %d on the server: %s%n",
        sessions.size() - ended, sessions.size(), serverSessions, pass ? "PASS" : "FAIL");
    return pass;
  }

  /** Closes every session, waits for the server to drop them, then compares its fds with the baseline. */
  private boolean checkFdsReturn(
      PrintStream out, SoakServerProcess server, List<Session> sessions, ProcessFootprint baseline)
      throws IOException, InterruptedException {
    for (Session session : sessions) {
      session.close(0, "soak over");
    }
    for (Session session : sessions) {
      session.awaitEnd(WAIT);
    }
    awaitServerSessions(server, 0);
    long limit = baseline.fds() + FD_LEAK_ALLOWANCE;
    // Sockets closed by other threads leave /proc a moment later: give them a few seconds.
    long fds = ProcessFootprint.of(server.handle()).fds();
    for (int i = 0; i < 50 && fds > limit; i++) {
      Thread.sleep(200);
      fds = ProcessFootprint.of(server.handle()).fds();
    }
    boolean pass = fds <= limit;
    out.printf("no fd leak (after closing every session, server fds <= baseline %d + %d): %d: %s%n",
        baseline.fds(), FD_LEAK_ALLOWANCE, fds, pass ? "PASS" : "FAIL");
    return pass;
  }

  private static void awaitServerSessions(SoakServerProcess server, int expected)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    int count;
    while ((count = server.sessionCount()) != expected) {
      if (System.nanoTime() - deadline > 0) {
        throw new IOException("server holds " + count + " sessions, expected " + expected);
      }
      Thread.sleep(100);
    }
  }

}
