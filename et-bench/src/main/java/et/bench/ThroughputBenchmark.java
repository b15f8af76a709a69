package et.bench;

import et.core.ConnectionThreads;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * Bulk throughput of one et.core channel against raw Java TCP, all on loopback in this JVM, with
 * AES-256-GCM framing over raw TCP as the ceiling any encrypted stream can reach here. One warm-up
 * transfer of each (JIT, class loading), then rounds taking each transport in turn so that a
 * burst of noise from other processes hits all alike; reports the medians and their ratios, and
 * the CPU each spent per gigabyte. The verdict is et.core's own cost: the CPU per gigabyte of
 * et-pt (a platform thread reading each connection, as et's terminal client and session host run
 * them) against that of bare AES-256-GCM framing in the same run.
 */
final class ThroughputBenchmark implements Benchmark {
  /** The old target (issue 2), still printed: an et channel's rate against raw TCP's. */
  static final double RAW_RATIO = 0.7;
  /** et.core's own cost (issue 9): et-pt's CPU per gigabyte at most this times bare framing's. */
  static final double CPU_RATIO = 1.25;

  private final BulkRounds transfers;
  /** Raw first (the baseline), the encryption ceiling, then et by default and as the terminal runs it. */
  private final List<Transport> transports =
      List.of(
          new RawTcpTransport(),
          new SealedTcpTransport(),
          new EtChannelTransport(ConnectionThreads.VIRTUAL),
          new EtChannelTransport(ConnectionThreads.PLATFORM));

  ThroughputBenchmark(int mib, int rounds) {
    this.transfers = BulkRounds.ofMebibytes(mib, rounds);
  }

  @Override
  public int run(PrintStream out) throws Exception {
    transfers.header(out, "throughput");
    transfers.warmUp(out, transports);
    BulkRounds.Results results = transfers.interleave(out, transports, BulkRounds.Note.NONE);
    double[][] rates = results.rates();
    double[][] cpu = results.cpu();
    int count = transports.size();
    for (int t = 0; t < count; t++) {
      out.printf(
          Locale.ROOT,
          "%-5s median %7.1f MB/s (min %.1f, max %.1f), %.2f CPU s/GB%n",
          transports.get(t).name(),
          Stats.median(rates[t]),
          Stats.min(rates[t]),
          Stats.max(rates[t]),
          Stats.median(cpu[t]));
    }
    double raw = Stats.median(rates[0]);
    double ceiling = Stats.median(rates[1]) / raw;
    double ratio = Stats.median(rates[2]) / raw;
    out.printf(
        Locale.ROOT,
        "ratio gcm/raw = %.3f  (AES-256-GCM framing alone: the ceiling of an encrypted stream here)%n",
        ceiling);
    out.printf(
        Locale.ROOT,
        "ratio et/raw = %.3f  (old target >= %.1f: %s); et/gcm = %.3f; et-pt/raw = %.3f%n",
        ratio,
        RAW_RATIO,
        ratio >= RAW_RATIO ? "PASS" : "FAIL",
        Stats.median(rates[2]) / Stats.median(rates[1]),
        Stats.median(rates[3]) / raw);
    double gcmCpu = Stats.median(cpu[1]);
    double cost = Stats.median(cpu[3]) / gcmCpu;
    boolean pass = cost <= CPU_RATIO;
    out.printf(
        Locale.ROOT,
        "et.core's own cost: CPU s/GB et-pt/gcm = %.2f (target <= %.2f: %s); et/gcm = %.2f%n",
        cost,
        CPU_RATIO,
        pass ? "PASS" : "FAIL",
        Stats.median(cpu[2]) / gcmCpu);
    return pass ? 0 : 1;
  }
}
