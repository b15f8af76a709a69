package et.e2e;

import et.testkit.NetLab;
import et.testkit.SshServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A benchmark, not a test (surefire's default includes leave it out; {@code bench/slow-link.sh}
 * runs it): keystroke echo through a shell while a forwarded connection floods a slow link, et
 * {@code -t} against {@code ssh -L} in turns. The client's side of a {@link NetLab} sends through a
 * token bucket ({@code tc tbf}, {@code SLOW_LINK_RATE}, default 20mbit, queueing at most {@code
 * SLOW_LINK_QUEUE}, default 10ms, as a link with a managed queue would); sshd, the session host and
 * a sink are in the server's namespace, the bulk source in the client's. It prints each turn's echo
 * times idle and under the flood, and what the sink received meanwhile.
 */
class SlowLinkBench {
  private static final int SINK_PORT = 47_100;
  private static final Duration ECHO_DEADLINE = Duration.ofSeconds(30);
  /** A sink on the server's loopback that prints the bytes it has received, every 200 ms. */
  private static final String SINK = """
      import socket, threading, time
      total = [0]
      def drain(c):
          while True:
              b = c.recv(1 << 16)
              if not b: return
              total[0] += len(b)
      def report():
          while True:
              print(total[0], flush=True); time.sleep(0.2)
      s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
      s.bind(('127.0.0.1', %d)); s.listen(8)
      threading.Thread(target=report, daemon=True).start()
      while True:
          c, _ = s.accept(); threading.Thread(target=drain, args=(c,), daemon=True).start()
      """;
  private static final String SOURCE = """
      import socket
      c = socket.create_connection(('127.0.0.1', %d)); b = b'x' * 65536
      while True: c.sendall(b)
      """;

  @TempDir Path base;

  @Test
  void echoWhileATunnelFloodsASlowLink() throws Exception {
    String rate = env("SLOW_LINK_RATE", "20mbit");
    String queue = env("SLOW_LINK_QUEUE", "10ms");
    int rounds = Integer.parseInt(env("SLOW_LINK_ROUNDS", "2"));
    try (NetLab lab = RemoteHost.createLabOrSkip(); RemoteHost host = RemoteHost.startIn(base, lab)) {
      lab.slowClientUplink(rate, queue);
      System.out.printf("slow-link: client to server %s, queue %s, %d rounds%n", rate, queue, rounds);
      AtomicLong received = new AtomicLong();
      Process sink = startCounting(lab.serverPrefix(), SINK.formatted(SINK_PORT), received);
      try {
        for (int round = 1; round <= rounds; round++) {
          turn(lab, host, "et", round, received);
          turn(lab, host, "ssh", round, received);
        }
      } finally {
        sink.destroyForcibly().waitFor();
      }
    }
  }

  private void turn(NetLab lab, RemoteHost host, String tool, int round, AtomicLong received) throws Exception {
    int local = tool.equals("et") ? 47_200 : 47_201;
    List<String> command = new ArrayList<>(lab.clientPrefix());
    if (tool.equals("et")) {
      command.addAll(host.etCommandToAlias("-t", local + ":" + SINK_PORT));
    } else {
      command.addAll(Arrays.asList(host.sshShell().split(" ")));
      command.addAll(List.of("-tt", "-L", local + ":127.0.0.1:" + SINK_PORT, SshServer.HOST_ALIAS));
    }
    try (PtyEt session = PtyEt.start(command, base, 100, 30)) {
      // The sum shows only once the remote shell ran the line: a local echo shows it unsummed.
      session.type("echo READY-$((6*7)); exec cat\r");
      session.screen().await("READY-42", 0, ECHO_DEADLINE);
      double[] idle = echoes(session, 20);
      List<String> source = new ArrayList<>(lab.clientPrefix());
      source.addAll(List.of("python3", "-c", SOURCE.formatted(local)));
      Process flood = new ProcessBuilder(source).redirectErrorStream(true).start();
      try {
        echoes(session, 10); // the flood ramps up
        long before = received.get();
        long start = System.nanoTime();
        double[] loaded = echoes(session, 30);
        double seconds = (System.nanoTime() - start) / 1e9;
        double mbit = (received.get() - before) * 8 / seconds / 1e6;
        System.out.printf(Locale.ROOT,
            "slow-link: round %d %-3s echo idle median %.1f ms; under the flood median %.1f p90 %.1f max %.1f ms;"
                + " the flood %.1f Mbit/s%n",
            round, tool, median(idle), median(loaded), loaded[loaded.length * 9 / 10], loaded[loaded.length - 1], mbit);
      } finally {
        flood.destroyForcibly().waitFor();
      }
      session.type("\u0004");
    }
  }

  /** Echo times of {@code keys} keys, 150 ms apart, sorted. */
  private static double[] echoes(PtyEt session, int keys) throws Exception {
    double[] ms = new double[keys];
    for (int i = 0; i < keys; i++) {
      String key = String.valueOf((char) ('a' + i % 25));
      int from = session.screen().length();
      long typed = System.nanoTime();
      session.type(key);
      session.screen().await(key, from, ECHO_DEADLINE);
      ms[i] = (System.nanoTime() - typed) / 1e6;
      Thread.sleep(150); // the pause between keys is part of what is measured, not a wait for a result
    }
    Arrays.sort(ms);
    return ms;
  }

  private static double median(double[] sorted) {
    return sorted[sorted.length / 2];
  }

  private static Process startCounting(List<String> prefix, String script, AtomicLong counter) throws Exception {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of("python3", "-c", script));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    Thread.ofVirtual().start(() -> {
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          if (line.matches("\\d+")) {
            counter.set(Long.parseLong(line));
          }
        }
      } catch (java.io.IOException e) {
        // the sink ended
      }
    });
    return process;
  }

  private static String env(String name, String otherwise) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? otherwise : value;
  }
}
