package et.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.tinylog.Logger;

/**
 * A seeded schedule of faults on a {@link FaultRelay}, each fired when a transfer's progress
 * passes a random point: the faults land mid-transfer however fast the machine is, and progress
 * between them proves each reconnect worked.
 *
 * <p>Before each fault it also waits until the relay has a connection open and, after a cut or a
 * blackhole that swallowed a dial, until the client has dialed again. So no fault lands on
 * connections the client has already given up (after a blackhole, or a keepalive that judged its
 * connection dead), each cut hits a live connection (or one being set up), and the relay accepts
 * at least one connection per cut.
 * A blackhole is held until the endpoints noticed it (the caller's {@code allNoticed}) and {@code
 * blackholeFor} has passed. Runs on the caller's thread.
 */
public final class ChaosSchedule {
  /** One kind of fault. */
  public enum Fault {
    CUT,
    BLACKHOLE
  }

  /** What was done. */
  public record Done(int cuts, int blackholes) {}

  private static final Duration PER_FAULT_TIMEOUT = Duration.ofSeconds(30);

  private final FaultRelay relay;
  private final List<Fault> faults;
  private final long[] firesAt;
  private final Duration blackholeFor;
  private final BooleanSupplier allNoticed;

  /**
   * {@code cuts} cuts and {@code blackholes} blackholes in a seeded random order, spread at random
   * over progress [0, {@code span}).
   */
  public ChaosSchedule(
      FaultRelay relay,
      long seed,
      int cuts,
      int blackholes,
      long span,
      Duration blackholeFor,
      BooleanSupplier allNoticed) {
    this.relay = relay;
    this.blackholeFor = blackholeFor;
    this.allNoticed = allNoticed;
    Random random = new Random(seed);
    List<Fault> order = new ArrayList<>();
    order.addAll(Collections.nCopies(cuts, Fault.CUT));
    order.addAll(Collections.nCopies(blackholes, Fault.BLACKHOLE));
    Collections.shuffle(order, random);
    this.faults = List.copyOf(order);
    // Random gaps, scaled so that the last fault fires before the span ends.
    double[] gaps = new double[faults.size()];
    double total = 0;
    for (int i = 0; i < gaps.length; i++) {
      gaps[i] = 0.25 + random.nextDouble();
      total += gaps[i];
    }
    this.firesAt = new long[faults.size()];
    double at = 0;
    for (int i = 0; i < gaps.length; i++) {
      at += gaps[i] / total * span;
      firesAt[i] = Math.min(span - 1, (long) at);
    }
  }

  /** Fires every fault in turn as {@code progress} passes its point. */
  public Done run(LongSupplier progress) throws InterruptedException {
    int cuts = 0;
    int blackholes = 0;
    int acceptedBeforeFault = 0;
    for (int i = 0; i < faults.size(); i++) {
      long threshold = firesAt[i];
      int dialedBefore = acceptedBeforeFault;
      Await.until(
          "progress " + threshold + " with a connection dialed since the last fault open (fault " + i + ")",
          PER_FAULT_TIMEOUT,
          () ->
              progress.getAsLong() >= threshold
                  && relay.connectionsAccepted() > dialedBefore
                  && relay.openConnections() > 0);
      switch (faults.get(i)) {
        case CUT -> {
          acceptedBeforeFault = relay.cutAll();
          cuts++;
        }
        case BLACKHOLE -> {
          // Counted before it begins: a connection the client dials into the blackhole is new.
          int acceptedAtStart = relay.connectionsAccepted();
          if (holdBlackhole() > 0) {
            acceptedBeforeFault = acceptedAtStart;
          }
          // Otherwise the endpoints kept the connection the blackhole found (one still shaking
          // hands outlasts it), or dropped it and dial after the lift: no newer one is owed.
          blackholes++;
        }
      }
    }
    Logger.info("chaos done: {} cuts, {} blackholes, {} connections accepted", cuts, blackholes, relay.connectionsAccepted());
    return new Done(cuts, blackholes);
  }

  /** Holds a blackhole; returns how many new connections it swallowed. */
  private int holdBlackhole() throws InterruptedException {
    long start = System.nanoTime();
    relay.blackhole(true);
    try {
      Await.until(
          "the blackhole was noticed and lasted " + blackholeFor,
          PER_FAULT_TIMEOUT,
          () -> allNoticed.getAsBoolean() && System.nanoTime() - start >= blackholeFor.toNanos());
    } finally {
      relay.blackhole(false);
    }
    int swallowed = relay.connectionsDialedIntoBlackhole();
    Logger.info("blackhole lifted after {} ms; it swallowed {} new connections", (System.nanoTime() - start) / 1_000_000, swallowed);
    return swallowed;
  }
}
