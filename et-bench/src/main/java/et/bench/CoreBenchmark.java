package et.bench;

import java.io.PrintStream;

/**
 * Benchmark command for et.core (run through {@code bench/core.sh}); see docs/BENCHMARKS.md.
 *
 * <ul>
 *   <li>{@code throughput [--mib N] [--rounds R]}: one et channel against raw Java TCP on loopback
 *   <li>{@code relay [--mib N] [--rounds R]}: one et channel through a relay in a child JVM against
 *       the same channel straight to the server, on loopback
 *   <li>{@code idle-heap [--sessions N] [--channel]}: server heap per idle connected session
 *   <li>{@code soak [--sessions N] [--streaming M] [--minutes T] [--seed S]}: N sessions on one
 *       server in a child JVM, M of them echoing seeded streams, under random cuts and blackholes
 *       for T minutes; checks every byte, the server's RSS, threads and fds, and that every session
 *       lives (defaults 1000, 100, 10, a fresh seed)
 * </ul>
 */
public final class CoreBenchmark {
  private CoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    if (args.length == 0) {
      usage(out);
      System.exit(2);
    }
    CommandLine line = CommandLine.parse(args, 1);
    Benchmark benchmark =
        switch (args[0]) {
          case "throughput" ->
              new ThroughputBenchmark(line.intOption("mib", 1024), line.intOption("rounds", 5));
          case "relay" -> new RelayBenchmark(line.intOption("mib", 1024), line.intOption("rounds", 5));
          case "idle-heap" ->
              new IdleHeapBenchmark(line.intOption("sessions", 2000), line.flag("channel"));
          case "soak" ->
              new SoakBenchmark(
                  line.intOption("sessions", 1000),
                  line.intOption("streaming", 100),
                  line.intOption("minutes", 10),
                  line.longOption("seed", System.nanoTime()));
          default -> null;
        };
    if (benchmark == null) {
      usage(out);
      System.exit(2);
    }
    line.rejectUnused();
    System.exit(benchmark.run(out));
  }

  private static void usage(PrintStream out) {
    out.println("usage: CoreBenchmark throughput [--mib N] [--rounds R]");
    out.println("       CoreBenchmark relay [--mib N] [--rounds R]");
    out.println("       CoreBenchmark idle-heap [--sessions N] [--channel]");
    out.println("       CoreBenchmark soak [--sessions N] [--streaming M] [--minutes T] [--seed S]");
  }
}
