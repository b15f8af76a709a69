package et.bench;

import java.io.PrintStream;

/** One subcommand of {@link CoreBenchmark}. */
interface Benchmark {
  /** Runs, printing figures to {@code out}; returns the exit status (0 when every target is met). */
  int run(PrintStream out) throws Exception;
}
