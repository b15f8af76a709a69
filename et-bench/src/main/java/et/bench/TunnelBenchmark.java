package et.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bulk throughput through a tunnel, et against ssh, in one run on loopback (docs/BENCHMARKS.md):
 * {@code et -N -t PORT:127.0.0.1:SINK} and {@code ssh -N -L PORT:127.0.0.1:SINK} with
 * aes128-gcm@openssh.com, both to the same sink in this JVM (it reads to end of file, then answers
 * one byte). Beside them, two ceilings to the same sink, each a pair of {@link BareTunnelEnd} JVMs
 * that do nothing but forward: {@code gcm} seals and opens as et.core does, {@code copy} only copies.
 * Each round moves N MiB through each, one after the other (who goes first rotates); a transfer is
 * timed from the first write to the sink's answer. Target: et's median at least 1.5 × ssh's.
 *
 * <p>Around each transfer it also reads the CPU time (user + system) of each process the bytes
 * cross, reported per 10^9 bytes: for ssh the {@code ssh -N -L} client and the sshd processes
 * serving its session, for et the {@code launcher/et} client JVM and the session host JVM, for the
 * ceilings their two JVMs, and for all this JVM (the source and the sink).
 */
final class TunnelBenchmark {
  private static final double TARGET = 1.5;
  private static final int CHUNK = 64 * 1024;
  private static final Duration START_WAIT = Duration.ofSeconds(30);

  private final Path repo;
  private final int mib;
  private final int rounds;

  TunnelBenchmark(Path repo, int mib, int rounds) {
    this.repo = repo;
    this.mib = mib;
    this.rounds = rounds;
  }

  /** One tunnel under test: where it listens and the processes whose CPU its transfers cost. */
  private record Tunnel(String name, int port, List<ProcessCpu> processes) {}

  /** One timed transfer: MB/s, and CPU s/GB of each of the tunnel's processes, in their order. */
  private record Sample(double megabytesPerSecond, double[] cpuPerGigabyte) {
    double totalCpuPerGigabyte() {
      return Arrays.stream(cpuPerGigabyte).sum();
    }
  }

  int run(PrintStream out) throws Exception {
    Path base = Files.createDirectories(repo.resolve("et-bench/target/tunnel-bench"));
    try (BenchRemote remote = BenchRemote.start(repo, Files.createTempDirectory(base, "run"));
        ServerSocket sink = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      Thread.ofPlatform().daemon().name("sink").start(() -> serve(sink));
      String target = "127.0.0.1:" + sink.getLocalPort();
      int sshPort = LoopbackPorts.free();
      int etPort = LoopbackPorts.free();
      List<String> ssh = new ArrayList<>(remote.sshBase());
      ssh.addAll(List.of("-N", "-o", "Ciphers=aes128-gcm@openssh.com", "-L", sshPort + ":" + target, "et-test"));
      Process sshTunnel = new ProcessBuilder(ssh).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      Process etTunnel = null;
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      try (ChildJvm gcmOpen = bareEnd("open", sink.getLocalPort(), key);
          ChildJvm gcmSeal = bareEnd("seal", Integer.parseInt(gcmOpen.expect("PORT", START_WAIT)), key);
          ChildJvm copyHost = bareEnd("copy", sink.getLocalPort(), key);
          ChildJvm copyClient = bareEnd("copy", Integer.parseInt(copyHost.expect("PORT", START_WAIT)), key)) {
        LoopbackPorts.awaitListening(sshPort, "ssh -L");
        ProcessCpu bench = ProcessCpu.ofThisJvm("bench");
        transfer(new Tunnel("ssh -L", sshPort, List.of(bench)), 64); // warm-up (the JIT, the windows)
        // After a transfer and before et starts, every process below the sshd listener serves this ssh session.
        List<ProcessHandle> sshdSession = remote.sshd().descendants().toList();
        etTunnel = new ProcessBuilder(remote.etTunnelCommand(etPort + ":" + target))
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        LoopbackPorts.awaitListening(etPort, "et -t");
        ProcessHandle host = remote.sessionHost()
            .orElseThrow(() -> new IllegalStateException("et -t listens, but no session host runs"));
        Tunnel sshL = new Tunnel("ssh -L", sshPort,
            List.of(new ProcessCpu("ssh", List.of(sshTunnel.toHandle())), new ProcessCpu("sshd", sshdSession), bench));
        Tunnel etT = new Tunnel("et -t", etPort,
            List.of(new ProcessCpu("client", List.of(etTunnel.toHandle())), new ProcessCpu("host", List.of(host)), bench));
        Tunnel gcm = new Tunnel("gcm", Integer.parseInt(gcmSeal.expect("PORT", START_WAIT)),
            List.of(new ProcessCpu("seal", List.of(gcmSeal.handle())), new ProcessCpu("open", List.of(gcmOpen.handle())), bench));
        Tunnel copy = new Tunnel("copy", Integer.parseInt(copyClient.expect("PORT", START_WAIT)),
            List.of(new ProcessCpu("client", List.of(copyClient.handle())), new ProcessCpu("host", List.of(copyHost.handle())), bench));
        List<Tunnel> tunnels = List.of(sshL, etT, gcm, copy);
        out.printf("tunnel throughput: %d MiB, %d rounds, %d CPUs, java %s%n",
            mib, rounds, Runtime.getRuntime().availableProcessors(), Runtime.version());
        for (Tunnel tunnel : tunnels) {
          out.printf("  %s processes: %s%n", tunnel.name(), String.join(", ",
              tunnel.processes().stream().map(p -> p.name() + " " + p.pids()).toList()));
        }
        transfer(etT, 256); // warm-up
        transfer(gcm, 256);
        transfer(copy, 256);
        Map<Tunnel, List<Sample>> samples = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
          out.printf("  round %d:", round);
          for (int i = 0; i < tunnels.size(); i++) { // who goes first rotates
            Tunnel tunnel = tunnels.get((round - 1 + i) % tunnels.size());
            samples.computeIfAbsent(tunnel, t -> new ArrayList<>()).add(transfer(tunnel, mib));
          }
          for (Tunnel tunnel : tunnels) {
            Sample sample = samples.get(tunnel).getLast();
            out.printf(" %s %.1f MB/s (CPU s/GB %s);", tunnel.name(), sample.megabytesPerSecond(),
                cpuLine(tunnel, sample.cpuPerGigabyte(), sample.totalCpuPerGigabyte()));
          }
          out.println();
        }
        out.println("medians of the rounds: MB/s; CPU s/GB (user + system per 10^9 bytes through the tunnel)");
        for (Tunnel tunnel : tunnels) {
          List<Sample> its = samples.get(tunnel);
          out.printf("  %-6s %7.1f MB/s; %s%n", tunnel.name(), medianRate(its), cpuLine(tunnel, medians(its), medianTotal(its)));
        }
        out.printf("peak RSS (VmHWM) after the rounds: %s; %s%n", PeakRss.line(sshL.processes()), PeakRss.line(etT.processes()));
        double sshMedian = medianRate(samples.get(sshL));
        double ratio = medianRate(samples.get(etT)) / sshMedian;
        out.printf("ratio gcm/ssh = %.2f (two JVMs that only seal and open, as et.core does)%n",
            medianRate(samples.get(gcm)) / sshMedian);
        out.printf("ratio copy/ssh = %.2f (two JVMs that only copy, unencrypted)%n",
            medianRate(samples.get(copy)) / sshMedian);
        out.printf("ratio et/ssh = %.2f (target >= %.1f: %s)%n", ratio, TARGET, ratio >= TARGET ? "PASS" : "FAIL");
        return ratio >= TARGET ? 0 : 1;
      } finally {
        sshTunnel.destroy();
        if (etTunnel != null) {
          etTunnel.destroy(); // its shutdown hook closes the session
          etTunnel.waitFor();
        }
        sshTunnel.waitFor();
      }
    }
  }

  /**
   * Sends {@code mebibytes} MiB through {@code tunnel}; MB/s (10^6 bytes a second) and the CPU its
   * processes spent meanwhile.
   */
  private static Sample transfer(Tunnel tunnel, int mebibytes) throws IOException {
    byte[] chunk = new byte[CHUNK];
    long bytes = (long) mebibytes << 20;
    List<ProcessCpu> processes = tunnel.processes();
    long[] cpuBefore = new long[processes.size()];
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), tunnel.port())) {
      OutputStream out = socket.getOutputStream();
      for (int i = 0; i < cpuBefore.length; i++) {
        cpuBefore[i] = processes.get(i).cpuNanos();
      }
      long start = System.nanoTime();
      for (long sent = 0; sent < bytes; sent += CHUNK) {
        out.write(chunk);
      }
      socket.shutdownOutput();
      if (socket.getInputStream().read() < 0) {
        throw new IOException("the sink's answer did not come back through " + tunnel.name() + " at " + tunnel.port());
      }
      long wallNanos = System.nanoTime() - start;
      double[] cpuPerGigabyte = new double[cpuBefore.length];
      for (int i = 0; i < cpuBefore.length; i++) {
        cpuPerGigabyte[i] = (processes.get(i).cpuNanos() - cpuBefore[i]) / (double) bytes;
      }
      return new Sample(bytes / (wallNanos / 1e9) / 1e6, cpuPerGigabyte);
    }
  }

  /** {@code et -t: client 1.23, host 1.10, bench 0.70 (total 3.03)}. */
  private static String cpuLine(Tunnel tunnel, double[] cpuPerGigabyte, double total) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < cpuPerGigabyte.length; i++) {
      parts.add(String.format("%s %.2f", tunnel.processes().get(i).name(), cpuPerGigabyte[i]));
    }
    return String.format("%s: %s (total %.2f)", tunnel.name(), String.join(", ", parts), total);
  }

  private static double medianRate(List<Sample> samples) {
    return Stats.median(samples.stream().mapToDouble(Sample::megabytesPerSecond).toArray());
  }

  /** A {@link BareTunnelEnd} in {@code mode}, forwarding to {@code targetPort}. */
  private static ChildJvm bareEnd(String mode, int targetPort, byte[] key) throws IOException {
    ChildJvm end = ChildJvm.start(BareTunnelEnd.class, List.of("-Xmx256m"), List.of(mode, Integer.toString(targetPort)));
    end.send("KEY " + HexFormat.of().formatHex(key));
    end.flush();
    return end;
  }

  /** Per process, the median over the samples of its CPU s/GB. */
  private static double[] medians(List<Sample> samples) {
    double[] medians = new double[samples.getFirst().cpuPerGigabyte().length];
    for (int i = 0; i < medians.length; i++) {
      int process = i;
      medians[i] = Stats.median(samples.stream().mapToDouble(s -> s.cpuPerGigabyte()[process]).toArray());
    }
    return medians;
  }

  private static double medianTotal(List<Sample> samples) {
    return Stats.median(samples.stream().mapToDouble(Sample::totalCpuPerGigabyte).toArray());
  }

  /** Reads each connection to its end, then answers one byte and closes it. */
  private static void serve(ServerSocket sink) {
    while (!sink.isClosed()) {
      try {
        Socket connection = sink.accept();
        Thread.ofPlatform().daemon().name("sink-read").start(() -> {
          try (connection) {
            InputStream in = connection.getInputStream();
            byte[] buffer = new byte[CHUNK];
            while (in.read(buffer) >= 0) {
              // discard
            }
            connection.getOutputStream().write(1);
          } catch (IOException e) {
            // the transfer reports it
          }
        });
      } catch (IOException e) {
        return; // closed
      }
    }
  }
}
