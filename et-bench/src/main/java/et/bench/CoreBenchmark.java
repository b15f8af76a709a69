package et.bench;

import java.io.PrintStream;

/**
 * Benchmark command for et.core (run through {@code bench/core.sh}); see docs/BENCHMARKS.md.
 *
 * <ul>
 *   <li>{@code throughput [--mib N] [--rounds R]}: one et channel against raw Java TCP on loopback
 *   <li>{@code idle-heap [--sessions N] [--channel]}: server heap per idle connected session
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
          case "idle-heap" ->
              new IdleHeapBenchmark(line.intOption("sessions", 2000), line.flag("channel"));
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
    out.println("       CoreBenchmark idle-heap [--sessions N] [--channel]");
  }
}
