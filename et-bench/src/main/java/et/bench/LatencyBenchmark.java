package et.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * Keystroke echo latency and time to prompt of a remote interactive bash, through plain {@code ssh
 * -tt} and through {@code launcher/et}, both against the same private sshd on 127.0.0.1.
 *
 * <p>One cold et run comes first (no session host yet: it is started on the way). Then {@code
 * --rounds} rounds (default 5), each with one ssh and one et session, their order swapped every round so load
 * from other processes hits both alike. Each session is timed from process start to {@code READY>}
 * and then types its share of the keys: one printable char at a time after a random 40-90 ms pause
 * (so the measurement does not lock onto a sender's timer), the line cleared with Ctrl-U every 25
 * chars; the latency is from the write on the PTY master to the arrival of the echo.
 */
final class LatencyBenchmark implements Benchmark {
  static final String REMOTE_SHELL = "env PS1='READY> ' bash --norc -i";
  private static final String PROMPT = "READY>";
  private static final String CHARS = "qwertyuiopasdfgzxcvbnjk"; // none of them ends an escape sequence
  private static final int CLEAR_EVERY = 25;
  private static final double TARGET_MS = 0.2;
  private static final Duration PROMPT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration ECHO_TIMEOUT = Duration.ofSeconds(5);

  private final Path repo;
  private final int keys;
  private final int rounds;
  private final long seed;

  LatencyBenchmark(Path repo, int keys, int rounds, long seed) {
    if (rounds < 1 || keys < 2 * rounds) {
      throw new IllegalArgumentException(
          "need at least one round and two keys per round: " + keys + " keys, " + rounds + " rounds");
    }
    this.repo = repo;
    this.keys = keys;
    this.rounds = rounds;
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
    out.printf("terminal latency: %d keys, %d rounds, seed %d, %d CPUs, load average %.2f, java %s, %s%n",
        keys, rounds, seed, Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), Runtime.version(), Instant.now());
    Random random = new Random(seed);
    Path base = Files.createDirectories(repo.resolve("et-bench/target/terminal-bench"));
    Path runDir = Files.createTempDirectory(base, "run-");
    Figures ssh = new Figures("ssh");
    Figures et = new Figures("et");
    double etCold;
    try (BenchRemote remote = BenchRemote.start(repo, runDir)) {
      if (remote.sessionHost().isPresent()) {
        throw new IllegalStateException("a session host already runs in " + runDir);
      }
      etCold = session(remote.etCommand(REMOTE_SHELL), runDir, 0, random, new Figures("et cold"));
      out.printf("  et cold (no session host yet): prompt %.1f ms%n", etCold);
      for (int round = 1; round <= rounds; round++) {
        int share = keys / rounds + (round <= keys % rounds ? 1 : 0);
        List<Figures> order = round % 2 == 1 ? List.of(ssh, et) : List.of(et, ssh);
        for (Figures f : order) {
          List<String> command = f == ssh ? remote.sshCommand(REMOTE_SHELL) : remote.etCommand(REMOTE_SHELL);
          int before = f.echoes().size();
          double prompt = session(command, runDir, share, random, f);
          f.prompts().add(prompt);
          double[] these = toArray(f.echoes().subList(before, f.echoes().size()));
          // The halves show how much a fresh client JVM speeds up while it types.
          int half = these.length / 2;
          out.printf(
              "  round %d %-3s: prompt %7.1f ms, echo median %.2f ms over %d keys (first half %.2f, second half %.2f)%n",
              round,
              f.name(),
              prompt,
              Stats.median(these),
              these.length,
              Stats.median(Arrays.copyOfRange(these, 0, half)),
              Stats.median(Arrays.copyOfRange(these, half, these.length)));
        }
      }
    }
    out.println();
    out.println("time to prompt (process start to READY> seen), ms:");
    out.printf("  ssh            median %7.1f  (%d runs)%n", Stats.median(toArray(ssh.prompts())), ssh.prompts().size());
    out.printf("  et, host up    median %7.1f  (%d runs)%n", Stats.median(toArray(et.prompts())), et.prompts().size());
    out.printf("  et, first run         %7.1f  (no session host running: it is started on the way)%n", etCold);
    out.println("keystroke echo (write to echo seen), ms:");
    double sshMedian = echoLine(out, ssh);
    double etMedian = echoLine(out, et);
    double difference = etMedian - sshMedian;
    boolean pass = difference <= TARGET_MS && ssh.echoes().size() == keys && et.echoes().size() == keys;
    out.printf("  et - ssh: median %+.2f ms; target: et median <= ssh median + %.1f ms: %s%n",
        difference, TARGET_MS, pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
  }

  /** Starts {@code command}, waits for the prompt, types {@code keys} keys; returns the time to prompt in ms. */
  private double session(List<String> command, Path dir, int keys, Random random, Figures into) throws Exception {
    try (PtySession pty = PtySession.start(command, dir)) {
      long prompt = pty.await(pty.expect(PROMPT, 0), PROMPT_TIMEOUT);
      // Let the shell finish its start (bracketed paste mode and the like) before typing.
      pty.awaitQuiet(Duration.ofMillis(200), Duration.ofSeconds(2));
      for (int i = 0; i < keys; i++) {
        if (i > 0 && i % CLEAR_EVERY == 0) {
          pty.type(new byte[] {0x15});
          pty.awaitQuiet(Duration.ofMillis(100), Duration.ofSeconds(1));
        }
        Thread.sleep(Duration.ofMillis(40 + random.nextInt(51)));
        String key = String.valueOf(CHARS.charAt(i % CHARS.length()));
        CompletableFuture<Long> echo = pty.expectNext(key);
        long written = System.nanoTime();
        pty.type(key.getBytes(StandardCharsets.US_ASCII));
        into.echoes().add((pty.await(echo, ECHO_TIMEOUT) - written) / 1e6);
      }
      return (prompt - pty.startNanos()) / 1e6;
    }
  }

  private static double echoLine(PrintStream out, Figures f) {
    double[] values = toArray(f.echoes());
    double median = Stats.median(values);
    out.printf("  %-3s median %.2f  p90 %.2f  p99 %.2f  min %.2f  max %.2f  (%d keys)%n", f.name(), median,
        Stats.percentile(values, 90), Stats.percentile(values, 99), Stats.min(values), Stats.max(values), values.length);
    return median;
  }

  private static double[] toArray(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
