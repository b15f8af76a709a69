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
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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
 * etterminal --version} (what etterminal's JVM adds to an ssh login); then as many rounds again
 * with another et to the host open, through which et gets its session without ssh (session
 * sharing). et runs with {@code -vv
 * --log-file}, whose start timeline (et.client's StartTimeline) gives the breakdown.
 *
 * <p>Then {@code --sessions} et sessions are opened and left idle ({@code sleep}); the session
 * host's RSS before and after (after {@link #SETTLE}) gives the cost of an idle session, and the
 * clients' RSS that of an idle client.
 *
 * <p>Last, the same with the user's et agent running ({@code launcher/et-agent}): a cold run (the
 * session host stopped first) against ssh, both kinds of rounds again (alone, and with another et
 * open), in which each et is the thin client handing its terminal to the agent (no {@code -vv}:
 * the agent leaves logging runs to the whole client), and the idle sessions again. GNU time gives
 * the thin client's CPU and peak; the agent's CPU per start (its own and its ssh's: user + system
 * of the agent and its reaped children, from /proc/PID/stat) is read around each et, and its RSS
 * before and after the idle sessions.
 */
final class StartBenchmark implements Benchmark {
  private static final Path GNU_TIME = Path.of("/usr/bin/time");
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);
  /** USER_HZ, the unit of /proc/PID/stat's CPU times on Linux. */
  private static final int CLOCK_TICKS_PER_SECOND = 100;
  /**
   * Quiet before RSS is read: longer than three of the launchers' periodic collections (15 s), so
   * that clients started back to back (as ets sharing a session start) have all given back their
   * warm-ups' heap.
   */
  private static final Duration SETTLE = Duration.ofSeconds(50);
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
    boolean pass;
    try (BenchRemote remote = BenchRemote.start(repo, runDir)) {
      // ssh first: after et's cold run the new host warms up, which would slow an ssh measured then.
      Run sshCold = timed(remote.sshCommand("true"), runDir);
      Run cold = timed(etTrue(remote, runDir, "cold"), runDir);
      out.printf("  cold (no session host yet): et %s; ssh %s%n", describe(cold), describe(sshCold));
      Rounds alone = rounds(remote, runDir, "alone", index -> etTrue(remote, runDir, index), Optional.empty(), out);
      Rounds shared = withAnotherEtOpen(remote, runDir,
          () -> rounds(remote, runDir, "shared", index -> etTrue(remote, runDir, index), Optional.empty(), out));
      out.println();
      out.printf("medians of %d rounds (wall s, CPU s, peak RSS MiB):%n", rounds);
      out.printf("  ssh -tt true       %.2f  %.2f  %5.1f%n", alone.sshWall(), median(alone.ssh(), Run::cpu), median(alone.ssh(), Run::peakMiB));
      out.printf("  et -c true         %.2f  %.2f  %5.1f   (CPU and peak of et's JVM and its ssh, ssh -G)%n",
          median(alone.et(), Run::wall), median(alone.et(), Run::cpu), median(alone.et(), Run::peakMiB));
      out.printf("  with another et open: ssh %.2f, et %.2f  %.2f  %5.1f   (et asks the open one, no ssh login)%n",
          shared.sshWall(), median(shared.et(), Run::wall), median(shared.et(), Run::cpu), median(shared.et(), Run::peakMiB));
      out.printf("  ssh etterminal --version  %.2f s wall (%+.2f s against ssh true)%n",
          median(alone.etterminal(), Run::wall), median(alone.etterminal(), Run::wall) - alone.sshWall());
      out.println("et's start, median ms since the process began (et -vv's start timeline): alone, shared");
      for (String step : steps(alone.et(), shared.et())) {
        out.printf("  %-14s %6.0f %6.0f%n", step, medianOf(alone.et(), step), medianOf(shared.et(), step));
      }
      IdleFigures idle = idleSessions(remote, runDir, remote.sessionHost()
          .orElseThrow(() -> new IllegalStateException("no session host runs")));
      out.printf("session host RSS: %.1f MiB idle, %+.0f KiB per idle session; idle et client %.1f MiB (median of %d)%n",
          idle.holderMiB(), idle.perSessionKiB(), idle.clientMiB(), sessions);
      AgentFigures agent = withAgent(remote, runDir, out);
      out.println();
      List<String> verdicts = new ArrayList<>();
      verdicts.add(verdict("et - ssh, host up", median(alone.et(), Run::wall) - alone.sshWall(), WALL_TARGET_S, "s"));
      verdicts.add(verdict("et - ssh, another et open", median(shared.et(), Run::wall) - shared.sshWall(), WALL_TARGET_S, "s"));
      verdicts.add(verdict("et - ssh, first run", cold.wall() - sshCold.wall(), COLD_TARGET_S, "s"));
      verdicts.add(verdict("client CPU per start", median(alone.et(), Run::cpu), CPU_TARGET_S, "s"));
      verdicts.add(verdict("client peak RSS", median(alone.et(), Run::peakMiB), PEAK_RSS_TARGET_MIB, "MiB"));
      verdicts.add(verdict("idle client RSS", idle.clientMiB(), IDLE_CLIENT_TARGET_MIB, "MiB"));
      verdicts.add(verdict("idle session host RSS", idle.holderMiB(), HOST_TARGET_MIB, "MiB"));
      verdicts.add(verdict("host RSS per idle session", idle.perSessionKiB(), PER_SESSION_TARGET_KIB, "KiB"));
      verdicts.add(verdict("agent: et - ssh, host up", median(agent.alone().et(), Run::wall) - agent.alone().sshWall(), WALL_TARGET_S, "s"));
      verdicts.add(verdict("agent: et - ssh, first run", agent.cold().wall() - agent.sshCold().wall(), COLD_TARGET_S, "s"));
      verdicts.add(verdict("agent: et - ssh, et open", median(agent.shared().et(), Run::wall) - agent.shared().sshWall(), WALL_TARGET_S, "s"));
      verdicts.add(verdict("agent: client CPU", median(agent.alone().et(), Run::cpu), CPU_TARGET_S, "s"));
      verdicts.add(verdict("agent: client + agent CPU", median(agent.alone().et(), Run::cpu) + agent.alone().agentCpu(), CPU_TARGET_S, "s"));
      verdicts.add(verdict("agent: client peak RSS", median(agent.alone().et(), Run::peakMiB), PEAK_RSS_TARGET_MIB, "MiB"));
      verdicts.add(verdict("agent: idle client RSS", agent.idle().clientMiB(), IDLE_CLIENT_TARGET_MIB, "MiB"));
      verdicts.forEach(out::println);
      pass = verdicts.stream().allMatch(line -> line.endsWith("PASS"));
    }
    return pass ? 0 : 1;
  }

  /**
   * Paired runs of one phase: ssh and et each round, etterminal's own cost, and the agent's CPU
   * around each et (empty without an agent).
   */
  private record Rounds(List<Run> ssh, List<Run> et, List<Run> etterminal, List<Double> agentCpus) {
    double sshWall() {
      return median(ssh, Run::wall);
    }

    double agentCpu() {
      return agentCpus.isEmpty() ? 0 : Stats.median(Stats.toArray(agentCpus));
    }
  }

  /**
   * {@link #rounds} rounds of {@code ssh -tt true} and et (the command {@code et} makes for a round's
   * name), ssh first in odd rounds; the CPU {@code agent} spends around each et.
   */
  private Rounds rounds(BenchRemote remote, Path runDir, String phase, Function<String, List<String>> et,
      Optional<Process> agent, PrintStream out) throws Exception {
    Rounds runs = new Rounds(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (int round = 1; round <= rounds; round++) {
      boolean sshFirst = round % 2 == 1;
      if (sshFirst) {
        runs.ssh().add(timed(remote.sshCommand("true"), runDir));
      }
      double agentBefore = agent.isPresent() ? cpuWithChildren(agent.get().pid()) : 0;
      runs.et().add(timed(et.apply(phase + "-" + round), runDir));
      if (agent.isPresent()) {
        runs.agentCpus().add(cpuWithChildren(agent.get().pid()) - agentBefore);
      }
      if (!sshFirst) {
        runs.ssh().add(timed(remote.sshCommand("true"), runDir));
      }
      runs.etterminal().add(timed(remote.sshCommand(remote.etterminal() + " --version"), runDir));
      out.printf("  %s round %d: ssh %s; et %s%s; ssh etterminal --version %.2f s%n",
          phase, round, describe(runs.ssh().getLast()), describe(runs.et().getLast()),
          agent.isPresent() ? String.format(", the agent's CPU %.2f s", runs.agentCpus().getLast()) : "",
          runs.etterminal().getLast().wall());
    }
    return runs;
  }

  /** {@code phase} while another et to the host is open (a later et gets its session through it, without ssh). */
  private static <T> T withAnotherEtOpen(BenchRemote remote, Path runDir, Callable<T> phase) throws Exception {
    PtySession holder = PtySession.start(remote.et("-c", "echo HOLD-READY; exec sleep 3600"), runDir);
    try {
      holder.await(holder.expect("HOLD-READY", 0), RUN_TIMEOUT);
      return phase.call();
    } finally {
      end(holder);
    }
  }

  /** What {@code holder} (the session host, or the agent) holds idle, what each idle session adds, and an idle client. */
  private record IdleFigures(double holderMiB, double perSessionKiB, double clientMiB) {}

  /** Opens the idle sessions one by one, then reads {@code holder}'s and the clients' RSS once settled. */
  private IdleFigures idleSessions(BenchRemote remote, Path runDir, ProcessHandle holder) throws Exception {
    Thread.sleep(SETTLE);
    double before = rssMiB(holder);
    List<PtySession> open = new ArrayList<>();
    try {
      for (int i = 0; i < sessions; i++) {
        PtySession pty = PtySession.start(remote.et("-c", "echo IDLE-READY; exec sleep 3600"), runDir);
        open.add(pty);
        pty.await(pty.expect("IDLE-READY", 0), RUN_TIMEOUT);
      }
      Thread.sleep(SETTLE);
      double after = rssMiB(holder);
      List<Double> clients = new ArrayList<>();
      for (PtySession pty : open) {
        clients.add(rssMiB(pty.process()));
      }
      return new IdleFigures(before, (after - before) * 1024 / sessions, Stats.median(Stats.toArray(clients)));
    } finally {
      for (PtySession pty : open) {
        end(pty);
      }
    }
  }

  /** The rounds with the agent, alone and with another et open, and the idle thin clients and agent. */
  private record AgentFigures(Run cold, Run sshCold, Rounds alone, Rounds shared, IdleFigures idle) {}

  /** Starts the agent where the bench's ets look for it (their HOME is {@code runDir}), measures, stops it. */
  private AgentFigures withAgent(BenchRemote remote, Path runDir, PrintStream out) throws Exception {
    try (BenchAgent agentRun = BenchAgent.start(repo, runDir)) {
      Process agent = agentRun.process();
      // No -vv: the agent leaves runs with a log of their own to the whole client.
      Function<String, List<String>> thinEt = index -> remote.et("-c", "true");
      stopSessionHost(remote);
      Run sshCold = timed(remote.sshCommand("true"), runDir);
      Run cold = timed(thinEt.apply("cold"), runDir);
      out.printf("  agent, cold (no session host yet): et %s; ssh %s%n", describe(cold), describe(sshCold));
      Rounds alone = rounds(remote, runDir, "agent", thinEt, Optional.of(agent), out);
      Rounds shared = withAnotherEtOpen(remote, runDir,
          () -> rounds(remote, runDir, "agent, et open", thinEt, Optional.of(agent), out));
      IdleFigures idle = idleSessions(remote, runDir, agent.toHandle());
      out.printf("with the agent: et %.2f s against ssh %.2f s (another et open: %.2f against %.2f);"
              + " thin client CPU %.2f s + the agent's %.2f s, peak %.1f MiB; idle thin client %.1f MiB;"
              + " agent %.1f MiB idle, %+.0f KiB per idle session%n",
          median(alone.et(), Run::wall), alone.sshWall(), median(shared.et(), Run::wall), shared.sshWall(),
          median(alone.et(), Run::cpu), alone.agentCpu(), median(alone.et(), Run::peakMiB),
          idle.clientMiB(), idle.holderMiB(), idle.perSessionKiB());
      return new AgentFigures(cold, sshCold, alone, shared, idle);
    }
  }

  /** Ends the session host and waits for its exit, so that the next et starts one. */
  private static void stopSessionHost(BenchRemote remote) throws Exception {
    Optional<ProcessHandle> host = remote.sessionHost();
    if (host.isPresent()) {
      host.get().destroy();
      host.get().onExit().get(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  /** CPU seconds of {@code pid} and of the children it reaped (utime, stime, cutime, cstime of /proc/PID/stat). */
  private static double cpuWithChildren(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = 0;
    for (int field = 14; field <= 17; field++) {
      ticks += Long.parseLong(fields[field - 3]); // fields after the command start at field 3
    }
    return ticks / (double) CLOCK_TICKS_PER_SECOND;
  }

  /** Ends an et left running ({@code exec sleep} never reads the {@code exit} close types): SIGTERM to it and its children. */
  private static void end(PtySession pty) throws Exception {
    pty.process().descendants().forEach(ProcessHandle::destroy);
    pty.process().destroy();
    pty.close();
  }

  private static double rssMiB(ProcessHandle process) throws IOException {
    return ProcessFootprint.statusValue(process.pid(), "VmRSS") / 1024.0;
  }

  private static List<String> etTrue(BenchRemote remote, Path runDir, String index) {
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

  @SafeVarargs
  private static List<String> steps(List<Run>... phases) {
    List<String> steps = new ArrayList<>();
    for (Run run : Stream.of(phases).flatMap(List::stream).toList()) {
      run.timeline().keySet().stream().filter(step -> !steps.contains(step)).forEach(steps::add);
    }
    return steps;
  }

  private static double medianOf(List<Run> runs, String step) {
    double[] values = runs.stream().filter(run -> run.timeline().containsKey(step))
        .mapToDouble(run -> run.timeline().get(step)).toArray();
    return values.length == 0 ? Double.NaN : Stats.median(values);
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
