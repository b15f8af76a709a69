package et.bench;

import et.testkit.Poll;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Bulk throughput through a tunnel, et against ssh, in one run on loopback (docs/BENCHMARKS.md):
 * {@code et -N -t PORT:127.0.0.1:SINK} and {@code ssh -N -L PORT:127.0.0.1:SINK} with
 * aes128-gcm@openssh.com, both to the same sink in this JVM (it reads to end of file, then answers
 * one byte). Each round moves N MiB through each, the two in turns; a transfer is timed from the
 * first write to the sink's answer. Target: et's median at least 1.5 × ssh's.
 */
final class TunnelBenchmark {
  private static final double TARGET = 1.5;
  private static final int CHUNK = 64 * 1024;
  private static final Duration READY = Duration.ofSeconds(60);

  private final Path repo;
  private final int mib;
  private final int rounds;

  TunnelBenchmark(Path repo, int mib, int rounds) {
    this.repo = repo;
    this.mib = mib;
    this.rounds = rounds;
  }

  int run(PrintStream out) throws Exception {
    Path base = Files.createDirectories(repo.resolve("et-bench/target/tunnel-bench"));
    try (BenchRemote remote = BenchRemote.start(repo, Files.createTempDirectory(base, "run"));
        ServerSocket sink = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      Thread.ofPlatform().daemon().name("sink").start(() -> serve(sink));
      String target = "127.0.0.1:" + sink.getLocalPort();
      int sshPort = freePort();
      int etPort = freePort();
      List<String> ssh = new ArrayList<>(remote.sshBase());
      ssh.addAll(List.of("-N", "-o", "Ciphers=aes128-gcm@openssh.com", "-L", sshPort + ":" + target, "et-test"));
      Process sshTunnel = new ProcessBuilder(ssh).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      Process etTunnel = new ProcessBuilder(remote.etTunnelCommand(etPort + ":" + target))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      try {
        awaitListening(sshPort, "ssh -L");
        awaitListening(etPort, "et -t");
        out.printf("tunnel throughput: %d MiB, %d rounds, %d CPUs, java %s%n",
            mib, rounds, Runtime.getRuntime().availableProcessors(), Runtime.version());
        transfer(sshPort, 64); // warm-up of each (the JIT, the windows)
        transfer(etPort, 256);
        List<Double> sshRates = new ArrayList<>();
        List<Double> etRates = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
          boolean sshFirst = round % 2 == 1;
          double first = transfer(sshFirst ? sshPort : etPort, mib);
          double second = transfer(sshFirst ? etPort : sshPort, mib);
          sshRates.add(sshFirst ? first : second);
          etRates.add(sshFirst ? second : first);
          out.printf("  round %d: ssh -L %7.1f MB/s, et -t %7.1f MB/s%n", round, sshRates.getLast(), etRates.getLast());
        }
        double sshMedian = Stats.median(sshRates.stream().mapToDouble(Double::doubleValue).toArray());
        double etMedian = Stats.median(etRates.stream().mapToDouble(Double::doubleValue).toArray());
        double ratio = etMedian / sshMedian;
        out.printf("ssh -L median %7.1f MB/s (aes128-gcm@openssh.com)%n", sshMedian);
        out.printf("et -t  median %7.1f MB/s%n", etMedian);
        out.printf("ratio et/ssh = %.2f (target >= %.1f: %s)%n", ratio, TARGET, ratio >= TARGET ? "PASS" : "FAIL");
        return ratio >= TARGET ? 0 : 1;
      } finally {
        sshTunnel.destroy();
        etTunnel.destroy(); // its shutdown hook closes the session
        etTunnel.waitFor();
        sshTunnel.waitFor();
      }
    }
  }

  /** Sends {@code mebibytes} MiB through the tunnel at {@code port}; MB/s (10^6 bytes a second). */
  private static double transfer(int port, int mebibytes) throws IOException {
    byte[] chunk = new byte[CHUNK];
    long bytes = (long) mebibytes << 20;
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = socket.getOutputStream();
      long start = System.nanoTime();
      for (long sent = 0; sent < bytes; sent += CHUNK) {
        out.write(chunk);
      }
      socket.shutdownOutput();
      if (socket.getInputStream().read() < 0) {
        throw new IOException("the sink's answer did not come back through the tunnel at " + port);
      }
      return bytes / ((System.nanoTime() - start) / 1e9) / 1e6;
    }
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

  private static void awaitListening(int port, String what) throws InterruptedException {
    boolean up = Poll.until(READY, () -> {
      try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return true;
      } catch (IOException e) {
        return false;
      }
    });
    if (!up) {
      throw new IllegalStateException(what + " did not listen on " + port + " within " + READY.toSeconds() + " s");
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }
}
