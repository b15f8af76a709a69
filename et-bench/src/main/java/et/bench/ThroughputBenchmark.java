package et.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * Bulk throughput of one et.core channel against raw Java TCP, both on loopback in this JVM. One
 * warm-up transfer of each (JIT, class loading), then rounds alternating raw and et so that a
 * burst of noise from other processes hits both alike; reports the medians and their ratio, and
 * the CPU each spent per gigabyte.
 */
final class ThroughputBenchmark implements Benchmark {
  static final double TARGET_RATIO = 0.7;
  private static final int MIN_ROUNDS = 3;

  private final long bytes;
  private final int rounds;
  private final List<Transport> transports = List.of(new RawTcpTransport(), new EtChannelTransport());

  ThroughputBenchmark(int mib, int rounds) {
    if (rounds < MIN_ROUNDS) {
      throw new IllegalArgumentException("--rounds must be at least " + MIN_ROUNDS + ": " + rounds);
    }
    this.bytes = (long) mib << 20;
    this.rounds = rounds;
  }

  @Override
  public int run(PrintStream out) throws Exception {
    out.printf(
        "throughput: %d MiB one way per transfer, %d rounds, %d CPUs, %s%n",
        bytes >> 20, rounds, Runtime.getRuntime().availableProcessors(), Runtime.version());
    for (Transport transport : transports) {
      report(out, transport.name() + " warm-up", transport.transfer(bytes));
    }
    int count = transports.size();
    double[][] rates = new double[count][rounds];
    double[][] cpu = new double[count][rounds];
    for (int round = 0; round < rounds; round++) {
      for (int t = 0; t < count; t++) {
        Transport transport = transports.get(t);
        TransferTime time = transport.transfer(bytes);
        report(out, transport.name() + " round " + (round + 1), time);
        rates[t][round] = time.megabytesPerSecond(bytes);
        cpu[t][round] = time.cpuSecondsPerGigabyte(bytes);
      }
    }
    for (int t = 0; t < count; t++) {
      out.printf(
          Locale.ROOT,
          "%-4s median %7.1f MB/s (min %.1f, max %.1f), %.2f CPU s/GB%n",
          transports.get(t).name(),
          Stats.median(rates[t]),
          Stats.min(rates[t]),
          Stats.max(rates[t]),
          Stats.median(cpu[t]));
    }
    double ratio = Stats.median(rates[1]) / Stats.median(rates[0]);
    boolean pass = ratio >= TARGET_RATIO;
    out.printf(
        Locale.ROOT,
        "ratio et/raw = %.3f  (target >= %.1f: %s); CPU per byte et/raw = %.2f%n",
        ratio,
        TARGET_RATIO,
        pass ? "PASS" : "FAIL",
        Stats.median(cpu[1]) / Stats.median(cpu[0]));
    return pass ? 0 : 1;
  }

  private void report(PrintStream out, String label, TransferTime time) {
    out.printf(
        Locale.ROOT,
        "  %-14s %7.1f MB/s  %6.2f s  %5.2f CPU s/GB%n",
        label,
        time.megabytesPerSecond(bytes),
        time.wallNanos() / 1e9,
        time.cpuSecondsPerGigabyte(bytes));
    out.flush();
  }
}
