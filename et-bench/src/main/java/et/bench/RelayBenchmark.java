package et.bench;

import et.core.ConnectionThreads;
import et.core.relay.RelayTransport;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * Bulk throughput of one et.core channel through a relay (docs/PROTOCOL.md section 10) against the
 * same channel straight to the server, all on loopback: client and server in this JVM, the relay
 * in a child JVM ({@link RelayServer}) so its CPU per byte is its own. Platform threads read the
 * connections on both paths, as et's terminal client and session host have them. One warm-up transfer of
 * each, then rounds taking the two in turn; reports the medians, their ratio, this JVM's CPU per
 * gigabyte for each and the relay process's for the relayed one.
 */
final class RelayBenchmark implements Benchmark {
  /** The relayed transport's place in the rounds, after the direct one. */
  private static final int RELAYED = 1;

  private final BulkRounds transfers;

  RelayBenchmark(int mib, int rounds) {
    this.transfers = BulkRounds.ofMebibytes(mib, rounds);
  }

  @Override
  public int run(PrintStream out) throws Exception {
    transfers.header(out, "relay");
    try (RelayServerProcess relay = RelayServerProcess.start()) {
      RelayCpu relayed = new RelayCpu(relay.cpu(), new EtChannelTransport("relayed", ConnectionThreads.PLATFORM,
          server -> throughRelay(relay, server.getHostString(), server.getPort())));
      List<Transport> transports = List.of(new EtChannelTransport(ConnectionThreads.PLATFORM), relayed);
      transfers.warmUp(out, transports);
      double[] relayCpuPerGigabyte = new double[transfers.rounds()];
      BulkRounds.Results results = transfers.interleave(out, transports, (t, round) -> {
        if (t != RELAYED) {
          return "";
        }
        relayCpuPerGigabyte[round] = relayed.lastCpuPerGigabyte;
        return String.format(Locale.ROOT, "  relay %5.2f CPU s/GB", relayCpuPerGigabyte[round]);
      });
      double[][] rates = results.rates();
      double[][] cpu = results.cpu();
      for (int t = 0; t < 2; t++) {
        out.printf(
            Locale.ROOT,
            "%-7s median %7.1f MB/s (min %.1f, max %.1f), client+server %.2f CPU s/GB%n",
            transports.get(t).name(),
            Stats.median(rates[t]),
            Stats.min(rates[t]),
            Stats.max(rates[t]),
            Stats.median(cpu[t]));
      }
      out.printf(
          Locale.ROOT,
          "relay process (pid %s) median %.2f CPU s/GB; ratio relayed/direct = %.3f%n",
          relayed.relayCpu.pids(),
          Stats.median(relayCpuPerGigabyte),
          Stats.median(rates[1]) / Stats.median(rates[0]));
    }
    return 0;
  }

  /** A transport through the relay, which also reads the relay process's CPU around each transfer. */
  private static final class RelayCpu implements Transport {
    private final ProcessCpu relayCpu;
    private final Transport relayed;
    /** The relay's CPU per gigabyte in the latest transfer. */
    private double lastCpuPerGigabyte;

    RelayCpu(ProcessCpu relayCpu, Transport relayed) {
      this.relayCpu = relayCpu;
      this.relayed = relayed;
    }

    @Override
    public String name() {
      return relayed.name();
    }

    @Override
    public TransferTime transfer(long bytes) throws Exception {
      long before = relayCpu.cpuNanos();
      TransferTime time = relayed.transfer(bytes);
      lastCpuPerGigabyte = (relayCpu.cpuNanos() - before) / 1e9 / (bytes / 1e9);
      return time;
    }
  }

  /** One hop through {@code relay}, with a fresh grant to {@code host}; a benchmark never renews it. */
  private static et.core.transport.Transport throughRelay(RelayServerProcess relay, String host, int port)
      throws IOException, InterruptedException {
    RelayTransport.Hop hop = new RelayTransport.Hop("relay", host,
        new RelayTransport.Hop.Grant(relay.grant(host), relay.port()), () -> {
          throw new IOException("the benchmark's relay lost its grant");
        });
    return new RelayTransport(List.of(hop), "server", host, port);
  }
}
