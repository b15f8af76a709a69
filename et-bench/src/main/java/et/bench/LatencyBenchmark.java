package et.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Keystroke echo latency and time to prompt of a remote interactive bash, through plain {@code ssh
 * -tt} and through {@code launcher/et}, both against the same private sshd on 127.0.0.1.
 *
 * <p>One cold et run comes first (no session host yet: it is started on the way). Then {@code
 * --rounds} rounds (default 5). Each round starts one ssh and one et session (which first swaps
 * every round), each timed from process start to {@code READY>}; then the two take turns key by
 * key, so that load from other processes hits both alike: one printable char at a time after a
 * random pause from {@code --pause} ({@link #DEFAULT_PAUSE_MS} unless given) to {@link
 * #PAUSE_SPREAD_MS} more (random, so the measurement does not lock onto a sender's timer; long
 * ones stand for typing after an idle spell), the lines
 * cleared with Ctrl-U every 25 keys; the latency is from the write on the PTY master to the
 * arrival of the echo.
 */
final class LatencyBenchmark implements Benchmark {
  private static final String REMOTE_SHELL = ShellKeys.REMOTE_SHELL;
  private static final double TARGET_MS = 0.2;

  private final Path repo;
  private final int keys;
  private final int rounds;
  /** Another et to the host stays open through the rounds: et's sessions come through it (session sharing). */
  private final boolean shared;
  /** The user's et agent runs through the rounds: each et is the thin client, the agent runs its session. */
  private final boolean agent;
  private final long seed;
  /** The shortest pause before a key, ms; the longest is {@link #PAUSE_SPREAD_MS} more. */
  private final int pauseMillis;
  /** The shortest pause before a key, ms, when {@code --pause} is not given. */
  static final int DEFAULT_PAUSE_MS = 40;
  private static final int PAUSE_SPREAD_MS = 50;

  LatencyBenchmark(Path repo, int keys, int rounds, long seed, boolean shared, boolean agent, int pauseMillis) {
    if (rounds < 1 || keys < 2 * rounds) {
      throw new IllegalArgumentException(
          "need at least one round and two keys per round: " + keys + " keys, " + rounds + " rounds");
    }
    if (pauseMillis < 0) {
      throw new IllegalArgumentException("a pause cannot be negative: " + pauseMillis + " ms");
    }
    this.pauseMillis = pauseMillis;
    this.repo = repo;
    this.keys = keys;
    this.rounds = rounds;
    this.shared = shared;
    this.agent = agent;
    this.seed = seed;
  }

  /** What one transport gave: times to prompt and echo latencies, in ms. */
  private record Figures(String name, List<Double> prompts, List<Double> echoes) {
    Figures(String name) {
      this(name, new ArrayList<>(), new ArrayList<>());
    }
  }

  @Override
  public int run(PrintStream out) throws Exception {
    out.printf("terminal latency: %d keys, %d rounds%s, %d-%d ms before each key, seed %d, %d CPUs, load average %.2f, java %s, %s%n",
        keys, rounds, (shared ? " (another et open: sessions through it)" : "") + (agent ? " (the et agent runs the sessions)" : ""),
        pauseMillis, pauseMillis + PAUSE_SPREAD_MS, seed, Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), Runtime.version(), Instant.now());
    Random random = new Random(seed);
    Path base = Files.createDirectories(repo.resolve("et-bench/target/terminal-bench"));
    Path runDir = Files.createTempDirectory(base, "run-");
    Figures ssh = new Figures("ssh");
    Figures et = new Figures("et");
    List<Double> roundDifferences = new ArrayList<>();
    double etCold;
    try (BenchRemote remote = BenchRemote.start(repo, runDir)) {
      if (remote.sessionHost().isPresent()) {
        throw new IllegalStateException("a session host already runs in " + runDir);
      }
      try (PtySession cold = PtySession.start(remote.etCommand(REMOTE_SHELL), runDir)) {
        etCold = ShellKeys.awaitPrompt(cold);
      }
      out.printf("  et cold (no session host yet): prompt %.1f ms%n", etCold);
      BenchAgent agentRun = agent ? BenchAgent.start(repo, runDir) : null;
      PtySession holder = shared ? PtySession.start(remote.etCommand(REMOTE_SHELL), runDir) : null;
      try {
        if (holder != null) {
          ShellKeys.awaitPrompt(holder);
        }
        typeRounds(remote, runDir, random, ssh, et, roundDifferences, out);
      } finally {
        if (holder != null) {
          holder.close();
        }
        if (agentRun != null) {
          agentRun.close();
        }
      }
    }
    out.println();
    out.println("time to prompt (process start to READY> seen), ms:");
    out.printf("  ssh            median %7.1f  (%d runs)%n", Stats.median(Stats.toArray(ssh.prompts())), ssh.prompts().size());
    out.printf("  et, host up    median %7.1f  (%d runs)%n", Stats.median(Stats.toArray(et.prompts())), et.prompts().size());
    out.printf("  et, first run         %7.1f  (no session host running: it is started on the way)%n", etCold);
    out.println("keystroke echo (write to echo seen), ms:");
    double sshMedian = echoLine(out, ssh);
    double etMedian = echoLine(out, et);
    double difference = etMedian - sshMedian;
    boolean pass = difference <= TARGET_MS && ssh.echoes().size() == keys && et.echoes().size() == keys;
    out.printf("  et - ssh per round: %s%n", roundDifferences.stream().map(d -> String.format("%+.2f", d)).toList());
    out.printf("  et - ssh: median %+.2f ms; target: et median <= ssh median + %.1f ms: %s%n",
        difference, TARGET_MS, pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
  }

  /** The paired rounds: each starts one ssh and one et session, times their prompts, then types into both. */
  private void typeRounds(BenchRemote remote, Path runDir, Random random, Figures ssh, Figures et,
      List<Double> roundDifferences, PrintStream out) throws Exception {
    for (int round = 1; round <= rounds; round++) {
      int share = keys / rounds + (round <= keys % rounds ? 1 : 0);
      List<Figures> order = round % 2 == 1 ? List.of(ssh, et) : List.of(et, ssh);
      List<PtySession> sessions = new ArrayList<>();
      try {
        for (Figures f : order) {
          PtySession pty = PtySession.start(f == ssh ? remote.sshCommand(REMOTE_SHELL) : remote.etCommand(REMOTE_SHELL), runDir);
          sessions.add(pty);
          f.prompts().add(ShellKeys.awaitPrompt(pty));
        }
        double[][] these = typeInTurns(sessions, share, random, pauseMillis);
        for (int i = 0; i < order.size(); i++) {
          Arrays.stream(these[i]).forEach(order.get(i).echoes()::add);
        }
        double[] sshThese = these[order.indexOf(ssh)];
        double[] etThese = these[order.indexOf(et)];
        double difference = Stats.median(etThese) - Stats.median(sshThese);
        roundDifferences.add(difference);
        out.printf("  round %d: prompt ssh %6.1f ms, et %6.1f ms; echo median over %d keys each: ssh %.2f, et %.2f ms (%+.2f)%n",
            round, last(ssh.prompts()), last(et.prompts()), share, Stats.median(sshThese), Stats.median(etThese), difference);
      } finally {
        for (PtySession pty : sessions) {
          pty.close();
        }
      }
    }
  }

  /**
   * Types {@code keys} keys into each session, taking turns key by key (who goes first alternates),
   * so that both meet the same machine; returns each session's echo latencies in ms.
   */
  private static double[][] typeInTurns(List<PtySession> sessions, int keys, Random random, int pauseMillis)
      throws Exception {
    double[][] echoes = new double[sessions.size()][keys];
    for (int i = 0; i < keys; i++) {
      for (int turn = 0; turn < sessions.size(); turn++) {
        int s = (i + turn) % sessions.size();
        PtySession pty = sessions.get(s);
        if (i > 0 && i % ShellKeys.CLEAR_EVERY == 0 && turn == 0) {
          for (PtySession each : sessions) {
            ShellKeys.clearLine(each);
          }
        }
        ShellKeys.pause(random, pauseMillis, pauseMillis + PAUSE_SPREAD_MS);
        echoes[s][i] = ShellKeys.echo(pty, i);
      }
    }
    return echoes;
  }

  private static double last(List<Double> values) {
    return values.getLast();
  }

  private static double echoLine(PrintStream out, Figures f) {
    double[] values = Stats.toArray(f.echoes());
    double median = Stats.median(values);
    out.printf("  %-3s %s  (%d keys)%n", f.name(), Stats.spread(values), values.length);
    return median;
  }
}
