package et.bench;

import et.core.Channel;
import et.core.EternalServer;
import et.core.Session;
import et.core.SessionOptions;
import et.core.SessionState;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Server heap per idle, connected session. The server runs in this JVM and the clients in a child
 * JVM ({@link ClientProcess}), so this heap holds the server side alone. One warm-up session is
 * connected before the baseline reading, so one-time costs (crypto providers, schedulers, the
 * socket poller) are not charged to the sessions; then N more sessions connect, the server waits
 * until it counts them all and each is CONNECTED, and the heap is read again.
 */
final class IdleHeapBenchmark implements Benchmark {
  static final long TARGET_BYTES_PER_SESSION = 64 * 1024;
  private static final Duration WAIT = Duration.ofSeconds(180);
  private static final int MAX_HEAP_READINGS = 3;
  private static final Duration IDLE_CPU_WINDOW = Duration.ofSeconds(5);

  private final int sessionCount;
  private final boolean openChannel;
  private final List<Session> sessions = new ArrayList<>();
  private final List<Channel> channels = new ArrayList<>(); // held so the channels stay open

  IdleHeapBenchmark(int sessionCount, boolean openChannel) {
    this.sessionCount = sessionCount;
    this.openChannel = openChannel;
  }

  @Override
  public int run(PrintStream out) throws Exception {
    out.printf(
        "idle-heap: %d sessions%s, default options, %d CPUs, %s, server max heap %d MiB%n",
        sessionCount,
        openChannel ? " with one open channel each" : " (no channels)",
        Runtime.getRuntime().availableProcessors(),
        Runtime.version(),
        Runtime.getRuntime().maxMemory() >> 20);
    SessionOptions options = SessionOptions.defaults();
    try (EternalServer server =
            EternalServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), options);
        ClientProcess clients = ClientProcess.start(server.port(), openChannel)) {
      ClientProcess.Ready clientBase = addSessions(server, clients, 1);
      long serverBase = HeapMeter.usedAfterGc();
      long started = System.nanoTime();
      ClientProcess.Ready clientAfter = addSessions(server, clients, sessionCount);
      double connectSeconds = (System.nanoTime() - started) / 1e9;
      long serverAfter = settledHeap(out, server);
      double idleCpu = idleCpuShare();

      double serverPerSession = (serverAfter - serverBase) / (double) sessionCount;
      double clientPerSession =
          (clientAfter.usedHeapBytes() - clientBase.usedHeapBytes()) / (double) sessionCount;
      out.printf(
          Locale.ROOT,
          "  %d sessions connected (and the client heap read) in %.1f s%n",
          sessionCount,
          connectSeconds);
      out.printf(
          Locale.ROOT,
          "  server heap after GC: %.1f MiB with 1 session, %.1f MiB with %d%n",
          serverBase / 1048576.0,
          serverAfter / 1048576.0,
          sessionCount + 1);
      out.printf(
          Locale.ROOT,
          "  client heap after GC: %.1f MiB with 1 session, %.1f MiB with %d%n",
          clientBase.usedHeapBytes() / 1048576.0,
          clientAfter.usedHeapBytes() / 1048576.0,
          clientAfter.sessions());
      out.printf(
          Locale.ROOT,
          "  server CPU while idle: %.1f %% of one core over %d s (keepalives)%n",
          idleCpu * 100,
          IDLE_CPU_WINDOW.toSeconds());
      out.printf(Locale.ROOT, "server heap per idle session: %.1f KiB%n", serverPerSession / 1024);
      out.printf(Locale.ROOT, "client heap per idle session: %.1f KiB%n", clientPerSession / 1024);
      boolean pass = serverPerSession <= TARGET_BYTES_PER_SESSION;
      out.printf(
          "server target <= %d KiB: %s%n", TARGET_BYTES_PER_SESSION / 1024, pass ? "PASS" : "FAIL");
      return pass ? 0 : 1;
    }
  }

  /**
   * Used heap after GC with every session connected. The collections pause this JVM; on an
   * overloaded machine a pause can outlast the dead-after limit, connections are replaced, and
   * their handshakes would be counted. So the reading is retried until no session was reconnecting
   * across it.
   */
  private long settledHeap(PrintStream out, EternalServer server)
      throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      SessionStates.awaitAllConnected(sessions, WAIT);
      long used = HeapMeter.usedAfterGc();
      long notConnected =
          sessions.stream().filter(s -> s.state() != SessionState.CONNECTED).count();
      if (notConnected == 0 && server.sessionCount() == sessions.size()) {
        return used;
      }
      out.printf(
          "  note: %d sessions were reconnecting after heap reading %d (GC pauses on a busy"
              + " machine); reading again%n",
          notConnected,
          attempt);
      if (attempt == MAX_HEAP_READINGS) {
        throw new IOException("sessions kept reconnecting across " + attempt + " heap readings");
      }
    }
  }

  /** The share of one core this JVM uses while the sessions only exchange keepalives. */
  private static double idleCpuShare() throws InterruptedException {
    long cpuStart = TransferTime.processCpuNanos();
    long start = System.nanoTime();
    Thread.sleep(IDLE_CPU_WINDOW);
    return (TransferTime.processCpuNanos() - cpuStart) / (double) (System.nanoTime() - start);
  }

  /**
   * Makes {@code count} sessions, has the child connect them, and returns once both sides see them
   * all connected (and, with channels, the server has accepted each one's channel).
   */
  private ClientProcess.Ready addSessions(EternalServer server, ClientProcess clients, int count)
      throws IOException, InterruptedException {
    List<Session> added = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Session session = server.newSession();
      added.add(session);
      clients.connect(session.credentials());
    }
    sessions.addAll(added);
    ClientProcess.Ready ready = clients.sync(WAIT);
    if (ready.sessions() != sessions.size()) {
      throw new IOException("client holds " + ready.sessions() + " sessions, server made " + sessions.size());
    }
    SessionStates.awaitAllConnected(sessions, WAIT);
    if (server.sessionCount() != sessions.size()) {
      throw new IOException("server counts " + server.sessionCount() + " sessions, expected " + sessions.size());
    }
    if (openChannel) {
      for (Session session : added) {
        Channel channel = session.acceptChannel(WAIT);
        if (channel == null) {
          throw new IOException(session + ": no channel from the client within " + WAIT);
        }
        channels.add(channel);
      }
    }
    return ready;
  }
}
