package et.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Fair shares and terminal echo with many forwarded connections in one session (docs/BENCHMARKS.md):
 * one {@code launcher/et -t PORT:127.0.0.1:SINK -c SHELL} on a PTY, so that one session carries
 * the terminal and the tunnel; before it, as the baseline, the same through one {@code ssh -tt -L
 * PORT:127.0.0.1:SINK} (aes128-gcm@openssh.com), both against the same private sshd and
 * session-host sandbox as {@link LatencyBenchmark}.
 *
 * <p>For each: first keys are typed into the idle session for {@code --seconds}; then {@code
 * --connections} connections (default 64) through the tunnel to a {@link CountingSink} in this JVM
 * each send as fast as they can, and after a {@link #RAMP} the bytes each delivers are counted for
 * {@code --seconds} while keys are typed again. Keys: one printable char after a seeded random
 * pause of {@link #MIN_PAUSE_MS} to {@link #MAX_PAUSE_MS} ms, the line cleared every {@link
 * ShellKeys#CLEAR_EVERY} keys; echo latency is from the write on the PTY master to the arrival of
 * the echo. Targets, for et: no connection below {@link #FAIR_SHARE} of the mean, and the median
 * echo under load within {@link #ECHO_TARGET_MS} ms.
 */
final class TunnelFairBenchmark implements Benchmark {
  private static final double FAIR_SHARE = 0.5;
  private static final double ECHO_TARGET_MS = 2.0;
  private static final Duration RAMP = Duration.ofSeconds(1);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private static final int MIN_PAUSE_MS = 50;
  private static final int MAX_PAUSE_MS = 200;

  private final Path repo;
  private final int connections;
  private final Duration window;
  private final long seed;

  TunnelFairBenchmark(Path repo, int connections, int seconds, long seed) {
    this.repo = repo;
    this.connections = connections;
    this.window = Duration.ofSeconds(seconds);
    this.seed = seed;
  }

  /** What one session gave: echo latencies in ms, each connection's MB/s, the CPU its processes spent. */
  private record Outcome(String name, double[] idle, double[] loaded, double[] rates, List<ProcessCpu> processes,
      double[] cpuPerGigabyte) {
    double fairness() {
      double mean = Arrays.stream(rates).average().orElseThrow();
      return mean > 0 ? Stats.min(rates) / mean : 0;
    }
  }

  @Override
  public int run(PrintStream out) throws Exception {
    out.printf("tunnel fairness: %d connections, %d s idle then %d s loaded, seed %d, %d CPUs, load average %.2f, java %s, %s%n",
        connections, window.toSeconds(), window.toSeconds(), seed, Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), Runtime.version(), Instant.now());
    Random random = new Random(seed);
    Path base = Files.createDirectories(repo.resolve("et-bench/target/tunnel-fair-bench"));
    Path runDir = Files.createTempDirectory(base, "run-");
    Outcome ssh;
    Outcome et;
    try (BenchRemote remote = BenchRemote.start(repo, runDir)) {
      ssh = measure(out, "ssh -L", remote, runDir, random);
      et = measure(out, "et -t", remote, runDir, random);
    }
    out.println();
    for (Outcome outcome : List.of(ssh, et)) {
      report(out, outcome);
    }
    boolean fair = et.fairness() >= FAIR_SHARE;
    double loadedMedian = Stats.median(et.loaded());
    boolean responsive = loadedMedian <= ECHO_TARGET_MS;
    out.printf("et fair shares: min/mean = %.2f (target >= %.1f: %s); ssh's %.2f%n", et.fairness(), FAIR_SHARE,
        fair ? "PASS" : "FAIL", ssh.fairness());
    out.printf("et echo under load: median %.2f ms (target <= %.1f ms: %s); ssh's %.2f ms%n", loadedMedian,
        ECHO_TARGET_MS, responsive ? "PASS" : "FAIL", Stats.median(ssh.loaded()));
    return fair && responsive ? 0 : 1;
  }

  /** One session with a shell and a tunnel to a fresh sink: echo idle, then echo and throughput under load. */
  private Outcome measure(PrintStream out, String name, BenchRemote remote, Path runDir, Random random) throws Exception {
    boolean isEt = name.startsWith("et");
    try (CountingSink sink = CountingSink.start(connections)) {
      int port = LoopbackPorts.free();
      String spec = port + ":127.0.0.1:" + sink.port();
      List<String> command = isEt
          ? remote.etCommand(ShellKeys.REMOTE_SHELL, spec)
          : remote.sshCommand(ShellKeys.REMOTE_SHELL, "-o", "Ciphers=aes128-gcm@openssh.com", "-L", spec);
      try (PtySession pty = PtySession.start(command, runDir)) {
        double prompt = ShellKeys.awaitPrompt(pty);
        LoopbackPorts.awaitListening(port, name);
        List<ProcessCpu> processes = List.of(
            new ProcessCpu(isEt ? "client" : "ssh", List.of(pty.process())),
            isEt ? new ProcessCpu("host", List.of(remote.sessionHost()
                .orElseThrow(() -> new IllegalStateException("et runs, but no session host does"))))
                : new ProcessCpu("sshd", sshdProcesses(remote)),
            ProcessCpu.ofThisJvm("bench"));
        out.printf("  %s %s with a shell: prompt after %.0f ms; processes %s%n", name, spec, prompt, String.join(", ",
            processes.stream().map(p -> p.name() + " " + p.pids()).toList()));

        double[] idle = Stats.toArray(typeFor(pty, random));
        out.printf("  %s idle:   echo %s ms (%d keys)%n", name, Stats.spread(idle), idle.length);
        try (FloodingClients load = FloodingClients.start(port, connections)) {
          if (!sink.awaitSenders(CONNECT_TIMEOUT)) {
            throw new IllegalStateException("not all " + connections + " connections reached the sink within " + CONNECT_TIMEOUT);
          }
          Thread.sleep(RAMP);
          long[] cpuBefore = processes.stream().mapToLong(ProcessCpu::cpuNanos).toArray();
          long[] before = sink.received();
          long start = System.nanoTime();
          double[] loaded = Stats.toArray(typeFor(pty, random));
          long[] after = sink.received();
          double seconds = (System.nanoTime() - start) / 1e9;
          double[] cpuPerGigabyte = new double[processes.size()];
          long total = 0;
          double[] rates = new double[connections];
          for (int i = 0; i < connections; i++) {
            rates[i] = (after[i] - before[i]) / seconds / 1e6;
            total += after[i] - before[i];
          }
          for (int i = 0; i < cpuPerGigabyte.length; i++) {
            cpuPerGigabyte[i] = (processes.get(i).cpuNanos() - cpuBefore[i]) / (double) Math.max(1, total);
          }
          load.checkNoneFailed();
          out.printf("  %s loaded: echo %s ms (%d keys); %.1f MB/s over %.1f s%n", name, Stats.spread(loaded),
              loaded.length, Arrays.stream(rates).sum(), seconds);
          return new Outcome(name, idle, loaded, rates, processes, cpuPerGigabyte);
        }
      }
    }
  }

  /** The sshd processes below the listener, without the shells they run. */
  private static List<ProcessHandle> sshdProcesses(BenchRemote remote) {
    return remote.sshd().descendants()
        .filter(p -> p.info().command().map(c -> c.endsWith("/sshd")).orElse(false))
        .toList();
  }

  private static void report(PrintStream out, Outcome o) {
    double[] rates = o.rates();
    out.printf("%s, per-connection MB/s: min %.2f  median %.2f  mean %.2f  max %.2f; aggregate %.1f MB/s%n", o.name(),
        Stats.min(rates), Stats.median(rates), Arrays.stream(rates).average().orElseThrow(), Stats.max(rates),
        Arrays.stream(rates).sum());
    List<String> cpu = new ArrayList<>();
    for (int i = 0; i < o.cpuPerGigabyte().length; i++) {
      cpu.add(String.format("%s %.2f", o.processes().get(i).name(), o.cpuPerGigabyte()[i]));
    }
    out.printf("  CPU s/GB under load: %s%n", String.join(", ", cpu));
    out.printf("  echo ms, idle:       %s%n", Stats.spread(o.idle()));
    out.printf("  echo ms, under load: %s%n", Stats.spread(o.loaded()));
  }

  /**
   * Types keys for the window, at least one (the line cleared first and every 25 keys); their echo
   * latencies in ms.
   */
  private List<Double> typeFor(PtySession pty, Random random) throws Exception {
    List<Double> echoes = new ArrayList<>();
    long end = System.nanoTime() + window.toNanos();
    for (int i = 0; ; i++) {
      if (i % ShellKeys.CLEAR_EVERY == 0) {
        ShellKeys.clearLine(pty);
      }
      ShellKeys.pause(random, MIN_PAUSE_MS, MAX_PAUSE_MS);
      if (i > 0 && System.nanoTime() >= end) {
        return echoes;
      }
      echoes.add(ShellKeys.echo(pty, i));
    }
  }
}
