package et.bench;

import et.testkit.FaultRelay;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * Seeded random faults on the soak's relays, on a thread of its own until {@link #stop}: every
 * {@link #MIN_GAP} to {@link #MAX_GAP} one relay picked at random either has every connection cut
 * (RST) or, one time in {@link #SHORT_BLACKHOLE_ODDS}, is blackholed for {@link #SHORT_BLACKHOLE},
 * shorter than the default dead-after (3 s), so the connections must survive it. Once, halfway
 * through, one relay is blackholed for {@link #LONG_BLACKHOLE}, longer than dead-after, so its
 * sessions must notice, dial again into the silence and get through once it lifts.
 */
final class SoakFaults {
  static final Duration MIN_GAP = Duration.ofSeconds(2);
  static final Duration MAX_GAP = Duration.ofSeconds(6);
  static final int SHORT_BLACKHOLE_ODDS = 8;
  static final Duration SHORT_BLACKHOLE = Duration.ofMillis(1500);
  static final Duration LONG_BLACKHOLE = Duration.ofSeconds(8);

  /** What was done. {@code connectionsCut}: connections open on the relays when they were cut. */
  record Done(int cuts, long connectionsCut, int shortBlackholes, int longBlackholes) {}

  private final List<FaultRelay> relays;
  private final Random random;
  private final Duration longBlackholeAfter;
  private final Thread thread;
  private volatile boolean stopped;
  private int cuts;
  private long connectionsCut;
  private int shortBlackholes;
  private int longBlackholes;

  private SoakFaults(List<FaultRelay> relays, long seed, Duration span) {
    this.relays = List.copyOf(relays);
    this.random = new Random(seed);
    this.longBlackholeAfter = span.dividedBy(2);
    this.thread = Thread.ofPlatform().name("soak-faults").start(this::run);
  }

  /** Starts making faults on {@code relays}, seeded with {@code seed}, over a run of {@code span}. */
  static SoakFaults start(List<FaultRelay> relays, long seed, Duration span) {
    return new SoakFaults(relays, seed, span);
  }

  /** Stops after the fault in progress (a blackhole is lifted) and returns what was done. */
  Done stop() throws InterruptedException {
    stopped = true;
    thread.interrupt();
    thread.join();
    return new Done(cuts, connectionsCut, shortBlackholes, longBlackholes);
  }

  private void run() {
    long start = System.nanoTime();
    try {
      while (!stopped) {
        long gapMillis = MIN_GAP.toMillis() + random.nextLong(MAX_GAP.toMillis() - MIN_GAP.toMillis() + 1);
        Thread.sleep(gapMillis);
        FaultRelay relay = relays.get(random.nextInt(relays.size()));
        if (longBlackholes == 0 && System.nanoTime() - start >= longBlackholeAfter.toNanos()) {
          blackhole(relay, LONG_BLACKHOLE);
          longBlackholes++;
        } else if (random.nextInt(SHORT_BLACKHOLE_ODDS) == 0) {
          blackhole(relay, SHORT_BLACKHOLE);
          shortBlackholes++;
        } else {
          connectionsCut += relay.openConnections();
          relay.cutAll();
          cuts++;
        }
      }
    } catch (InterruptedException e) {
      // stopped
    }
  }

  private static void blackhole(FaultRelay relay, Duration length) throws InterruptedException {
    relay.blackhole(true);
    try {
      Thread.sleep(length);
    } finally {
      relay.blackhole(false);
    }
  }
}
