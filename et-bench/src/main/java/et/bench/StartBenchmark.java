package et.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a start costs, {@code et -c true} against {@code ssh -tt true}, paired in one run against
 * one private sshd on 127.0.0.1 (the remote side of {@link BenchRemote}); then what the session
 * host and an idle client hold.
 *
 * <p>Each command runs on a PTY of its own under GNU time ({@code /usr/bin/time}), which gives its
 * CPU time (user + system, of the process and the children it waited for: et's include its ssh
 * and {@code ssh -G}) and its peak RSS (the largest of them: et's JVM). The wall time is from just
 * before the start to the exit. First one cold et run (no session host yet), then {@code --rounds}
 * rounds, each one ssh and one et (ssh first in odd rounds), and in each round also {@code ssh -tt
 * etterminal --version} (what etterminal's JVM adds to an ssh login). et runs with {@code -vv
 * --log-file}, whose start timeline (et.client's StartTimeline) gives the breakdown.
 *
 * <p>Then {@code --sessions} et sessions are opened and left idle ({@code sleep}); the session
 * host's RSS before and after (after {@link #SETTLE}) gives the cost of an idle session, and the
 * clients' RSS that of an idle client.
 */
final class StartBenchmark implements Benchmark {
  private static final Path GNU_TIME = Path.of("/usr/bin/time");
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration SETTLE = Duration.ofSeconds(20);
  private static final Pattern TIMELINE = Pattern.compile("start timeline \\(ms since the process began\\): (.*)");
  private static final Pattern MARK = Pattern.compile("(.+) (\\d+)");

  private static final double WALL_TARGET_S = 0.3;
  private static final double COLD_TARGET_S = 1.0;
  private static final double CPU_TARGET_S = 0.4;
  private static final double PEAK_RSS_TARGET_MIB = 48;
  private static final double IDLE_CLIENT_TARGET_MIB = 40;
  private static final double HOST_TARGET_MIB = 64;
  private static final double PER_SESSION_TARGET_KIB = 256;

  private final Path repo;
  private final int rounds;
  private final int sessions;

  StartBenchmark(Path repo, int rounds, int sessions) {
    if (rounds < 1 || sessions < 1) {
      throw new IllegalArgumentException("need at least one round and one session");
    }
    this.repo = repo;
    this.rounds = rounds;
    this.sessions = sessions;
  }

  /** One run under GNU time: wall and CPU seconds, peak RSS in MiB, and et's start timeline. */
  private record Run(double wall, double cpu, double peakMiB, Map<String, Long> timeline) {}

  @Override
  public int run(PrintStream out) throws Exception {
    if (!Files.isExecutable(GNU_TIME)) {
      throw new IllegalStateException(GNU_TIME + " is missing: install GNU time (apt-get install time)");
    }
    out.printf("start: %d rounds, %d idle sessions, %d CPUs, load average %.2f, java %s, %s%n",
        rounds, sessions, Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), Runtime.version(), Instant.now());
    Path base = Files.createDirectories(repo.resolve("et-bench/target/terminal-bench"));
    Path runDir = Files.createTempDirectory(base, "start-");
    List<Run> ssh = new ArrayList<>();
    List<Run> et = new ArrayList<>();
    List<Run> etterminal = new ArrayList<>();
    boolean pass;
    try (BenchRemote remote = BenchRemote.start(repo, runDir)) {
      Run cold = timed(etTrue(remote, runDir, 0), runDir);
      Run sshCold = timed(remote.sshCommand("true"), runDir);
      out.printf("  cold (no session host yet): et %s; ssh %s%n", describe(cold), describe(sshCold));
      for (int round = 1; round <= rounds; round++) {
        boolean sshFirst = round % 2 == 1;
        if (sshFirst) {
          ssh.add(timed(remote.sshCommand("true"), runDir));
        }
        et.add(timed(etTrue(remote, runDir, round), runDir));
        if (!sshFirst) {
          ssh.add(timed(remote.sshCommand("true"), runDir));
        }
        etterminal.add(timed(remote.sshCommand(remote.etterminal() + " --version"), runDir));
        out.printf("  round %d: ssh %s; et %s; ssh etterminal --version %.2f s%n",
            round, describe(ssh.getLast()), describe(et.getLast()), etterminal.getLast().wall());
      }
      out.println();
      double sshWall = median(ssh, Run::wall);
      double etWall = median(et, Run::wall);
      double etCpu = median(et, Run::cpu);
      double etPeak = median(et, Run::peakMiB);
      out.printf("medians of %d rounds (wall s, CPU s, peak RSS MiB):%n", rounds);
      out.printf("  ssh -tt true       %.2f  %.2f  %5.1f%n", sshWall, median(ssh, Run::cpu), median(ssh, Run::peakMiB));
      out.printf("  et -c true         %.2f  %.2f  %5.1f   (CPU and peak of et's JVM and its ssh, ssh -G)%n",
          etWall, etCpu, etPeak);
      out.printf("  ssh etterminal --version  %.2f s wall (%+.2f s against ssh true)%n",
          median(etterminal, Run::wall), median(etterminal, Run::wall) - sshWall);
      out.println("et's start, median ms since the process began (et -vv's start timeline):");
      for (String step : steps(et)) {
        out.printf("  %-14s %6.0f%n", step, medianOf(et, step));
      }
      IdleFigures idle = idleSessions(remote, runDir, out);
      out.println();
      List<String> verdicts = new ArrayList<>();
      verdicts.add(verdict("et - ssh, host up", etWall - sshWall, WALL_TARGET_S, "s"));
      verdicts.add(verdict("et - ssh, first run", cold.wall() - sshCold.wall(), COLD_TARGET_S, "s"));
      verdicts.add(verdict("client CPU per start", etCpu, CPU_TARGET_S, "s"));
      verdicts.add(verdict("client peak RSS", etPeak, PEAK_RSS_TARGET_MIB, "MiB"));
      verdicts.add(verdict("idle client RSS", idle.clientMiB(), IDLE_CLIENT_TARGET_MIB, "MiB"));
      verdicts.add(verdict("idle session host RSS", idle.hostMiB(), HOST_TARGET_MIB, "MiB"));
      verdicts.add(verdict("host RSS per idle session", idle.perSessionKiB(), PER_SESSION_TARGET_KIB, "KiB"));
      verdicts.forEach(out::println);
      pass = verdicts.stream().allMatch(line -> line.endsWith("PASS"));
    }
    return pass ? 0 : 1;
  }

  private record IdleFigures(double hostMiB, double perSessionKiB, double clientMiB) {}

  /** Opens the idle sessions one by one, then reads the host's and the clients' RSS once settled. */
  private IdleFigures idleSessions(BenchRemote remote, Path runDir, PrintStream out) throws Exception {
    ProcessHandle host = remote.sessionHost().orElseThrow(() -> new IllegalStateException("no session host runs"));
    Thread.sleep(SETTLE);
    double before = rssMiB(host);
    List<PtySession> open = new ArrayList<>();
    try {
      for (int i = 0; i < sessions; i++) {
        PtySession pty = PtySession.start(remote.et("-c", "echo IDLE-READY; exec sleep 3600"), runDir);
        open.add(pty);
        pty.await(pty.expect("IDLE-READY", 0), RUN_TIMEOUT);
      }
      Thread.sleep(SETTLE);
      double after = rssMiB(host);
      List<Double> clients = new ArrayList<>();
      for (PtySession pty : open) {
        clients.add(rssMiB(pty.process()));
      }
      double client = Stats.median(Stats.toArray(clients));
      double perSession = (after - before) * 1024 / sessions;
      out.printf("session host RSS: %.1f MiB idle, %.1f MiB with %d idle sessions (%+.0f KiB each); idle et client %.1f MiB (median of %d)%n",
          before, after, sessions, perSession, client, sessions);
      return new IdleFigures(before, perSession, client);
    } finally {
      for (PtySession pty : open) {
        pty.process().descendants().forEach(ProcessHandle::destroy);
        pty.process().destroy();
        pty.close();
      }
    }
  }

  private static double rssMiB(ProcessHandle process) throws IOException {
    return ProcessFootprint.statusValue(process.pid(), "VmRSS") / 1024.0;
  }

  private static List<String> etTrue(BenchRemote remote, Path runDir, int index) {
    return remote.et("-vv", "--log-file", runDir.resolve("et-" + index + ".log").toString(), "-c", "true");
  }

  /** Runs {@code command} on a PTY under GNU time until it exits; et's log, if it names one, gives the timeline. */
  private static Run timed(List<String> command, Path runDir) throws Exception {
    Path figures = Files.createTempFile(runDir, "time-", ".txt");
    List<String> wrapped = new ArrayList<>(List.of(GNU_TIME.toString(), "-o", figures.toString(), "-f", "%U %S %M"));
    wrapped.addAll(command);
    Map<String, Long> timeline = Map.of();
    double wall;
    try (PtySession pty = PtySession.start(wrapped, runDir)) {
      wall = (pty.awaitExit(RUN_TIMEOUT) - pty.startNanos()) / 1e9;
    }
    String[] values = Files.readAllLines(figures).getLast().strip().split(" ");
    int logIndex = command.indexOf("--log-file");
    if (logIndex >= 0) {
      timeline = timeline(Path.of(command.get(logIndex + 1)));
    }
    return new Run(wall, Double.parseDouble(values[0]) + Double.parseDouble(values[1]),
        Long.parseLong(values[2]) / 1024.0, timeline);
  }

  /** The steps of the start timeline that et's log holds, in order, with their ms. */
  private static Map<String, Long> timeline(Path log) throws IOException {
    Map<String, Long> steps = new LinkedHashMap<>();
    Optional<String> line = Files.readAllLines(log).stream().filter(TIMELINE.asPredicate()).findFirst();
    if (line.isPresent()) {
      Matcher matcher = TIMELINE.matcher(line.get());
      matcher.find();
      for (String mark : matcher.group(1).split(", ")) {
        Matcher m = MARK.matcher(mark);
        if (m.matches()) {
          steps.put(m.group(1), Long.parseLong(m.group(2)));
        }
      }
    }
    return steps;
  }

  private static List<String> steps(List<Run> runs) {
    List<String> steps = new ArrayList<>();
    for (Run run : runs) {
      run.timeline().keySet().stream().filter(step -> !steps.contains(step)).forEach(steps::add);
    }
    return steps;
  }

  private static double medianOf(List<Run> runs, String step) {
    return Stats.median(runs.stream().filter(run -> run.timeline().containsKey(step))
        .mapToDouble(run -> run.timeline().get(step)).toArray());
  }

  private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> value) {
    return Stats.median(runs.stream().mapToDouble(value).toArray());
  }

  private static String describe(Run run) {
    return String.format("%.2f s, CPU %.2f s, peak %.1f MiB", run.wall(), run.cpu(), run.peakMiB());
  }

  private static String verdict(String what, double value, double target, String unit) {
    return String.format("  %-26s %8.2f %-3s (target <= %.2f): %s", what, value, unit, target, value <= target ? "PASS" : "FAIL");
  }
}
