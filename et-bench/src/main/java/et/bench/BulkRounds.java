package et.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The shape of a bulk transfer benchmark: {@code bytes} one way per transfer, {@code rounds}
 * rounds (at least {@value #MIN_ROUNDS}, so a median means something), and how each transfer is
 * reported.
 */
record BulkRounds(long bytes, int rounds) {
  static final int MIN_ROUNDS = 3;

  BulkRounds {
    if (rounds < MIN_ROUNDS) {
      throw new IllegalArgumentException("--rounds must be at least " + MIN_ROUNDS + ": " + rounds);
    }
  }

  /** {@code mib} MiB per transfer. */
  static BulkRounds ofMebibytes(int mib, int rounds) {
    return new BulkRounds((long) mib << 20, rounds);
  }

  /** The first line of a report: what {@code benchmark} moves, on which machine and JDK. */
  void header(PrintStream out, String benchmark) {
    out.printf(
        "%s: %d MiB one way per transfer, %d rounds, %d CPUs, %s%n",
        benchmark, bytes >> 20, rounds, Runtime.getRuntime().availableProcessors(), Runtime.version());
  }

  /** One untimed transfer through each of {@code transports} (JIT, class loading), each reported. */
  void warmUp(PrintStream out, List<Transport> transports) throws Exception {
    for (Transport transport : transports) {
      report(out, transport.name() + " warm-up", transport.transfer(bytes), "");
    }
  }

  /** What each transport's rounds gave, {@code [transport][round]}: MB/s and this JVM's CPU s/GB. */
  record Results(double[][] rates, double[][] cpu) {}

  /** What a transfer's report line adds after the figures: {@code ""} for nothing. */
  @FunctionalInterface
  interface Note {
    Note NONE = (transport, round) -> "";

    String after(int transport, int round);
  }

  /**
   * The timed rounds: each takes every one of {@code transports} in turn, so a burst of load from
   * elsewhere hits all alike; each transfer is reported, with what {@code note} adds.
   */
  Results interleave(PrintStream out, List<Transport> transports, Note note) throws Exception {
    double[][] rates = new double[transports.size()][rounds];
    double[][] cpu = new double[transports.size()][rounds];
    for (int round = 0; round < rounds; round++) {
      for (int t = 0; t < transports.size(); t++) {
        Transport transport = transports.get(t);
        TransferTime time = transport.transfer(bytes);
        rates[t][round] = time.megabytesPerSecond(bytes);
        cpu[t][round] = time.cpuSecondsPerGigabyte(bytes);
        report(out, transport.name() + " round " + (round + 1), time, note.after(t, round));
      }
    }
    return new Results(rates, cpu);
  }

  /** One transfer's line: MB/s, seconds, this JVM's CPU s/GB, then {@code more}. */
  void report(PrintStream out, String label, TransferTime time, String more) {
    out.printf(
        Locale.ROOT,
        "  %-16s %7.1f MB/s  %6.2f s  %5.2f CPU s/GB%s%n",
        label,
        time.megabytesPerSecond(bytes),
        time.wallNanos() / 1e9,
        time.cpuSecondsPerGigabyte(bytes),
        more);
    out.flush();
  }
}
