package et.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Benchmark command for the et terminal (run through {@code bench/terminal.sh}); see
 * docs/BENCHMARKS.md.
 *
 * <ul>
 *   <li>{@code latency [--keys N] [--rounds R] [--pause MS]}: keystroke echo latency and time to prompt, ssh against et
 *   <li>{@code start [--rounds R] [--sessions N]}: wall time, CPU and peak RSS of {@code et -c true}
 *       against {@code ssh true}, et's start timeline, and the idle footprint of the session host
 *       and of a client
 *   <li>{@code tunnel [--mib N] [--rounds R]}: bulk throughput through {@code et -N -t} against
 *       {@code ssh -N -L}
 *   <li>{@code tunnel-fair [--seconds S] [--connections N]}: fair shares of N connections through one
 *       {@code et -t} and the echo of the terminal in the same session while they run
 * </ul>
 *
 * <p>System properties: {@code et.bench.repo} (the repository root, default the working
 * directory), {@code et.bench.seed} (the seed of the pauses between keys, default random).
 */
public final class TerminalBenchmark {
  private TerminalBenchmark() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    if (args.length == 0 || !List.of("latency", "start", "tunnel", "tunnel-fair").contains(args[0])) {
      out.println("usage: TerminalBenchmark latency [--keys N] [--rounds R] [--shared] [--agent] [--pause MS] | start [--rounds R] [--sessions N]"
          + " | tunnel [--mib N] [--rounds R] | tunnel-fair [--seconds S] [--connections N]");
      System.exit(2);
    }
    CommandLine line = CommandLine.parse(args, 1);
    Path repo = Path.of(System.getProperty("et.bench.repo", "")).toAbsolutePath();
    long seed = Long.getLong("et.bench.seed", System.nanoTime());
    if (args[0].equals("tunnel-fair")) {
      int seconds = line.intOption("seconds", 10);
      int connections = line.intOption("connections", 64);
      line.rejectUnused();
      System.exit(new TunnelFairBenchmark(repo, connections, seconds, seed).run(out));
    }
    if (args[0].equals("start")) {
      int rounds = line.intOption("rounds", 5);
      int sessions = line.intOption("sessions", 10);
      line.rejectUnused();
      System.exit(new StartBenchmark(repo, rounds, sessions).run(out));
    }
    if (args[0].equals("tunnel")) {
      int mib = line.intOption("mib", 1024);
      int rounds = line.intOption("rounds", 5);
      line.rejectUnused();
      System.exit(new TunnelBenchmark(repo, mib, rounds).run(out));
    }
    int keys = line.intOption("keys", 300);
    int rounds = line.intOption("rounds", 5);
    boolean shared = line.flag("shared");
    boolean agent = line.flag("agent");
    int pause = line.intOption("pause", LatencyBenchmark.DEFAULT_PAUSE_MS);
    line.rejectUnused();
    System.exit(new LatencyBenchmark(repo, keys, rounds, seed, shared, agent, pause).run(out));
  }
}
