package et.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * The server's footprint sampled through a soak, and the rule that calls it flat: the reference is
 * the first sample taken at or after {@link #SETTLED} (warm-up, JIT and connection set-up done by
 * then), and no later sample may exceed it by more than {@link #RSS_ALLOWANCE_MIB} MiB of RSS (the
 * server's heap is fixed and touched at start, so this is growth outside the heap), {@link
 * #HEAP_GROWTH_PERCENT} % of live heap, {@link #THREAD_ALLOWANCE} threads, or {@code
 * fdAllowance} descriptors (a cut relay's connections may be open twice for a moment while they are
 * replaced).
 */
final class FootprintFlatness {
  static final Duration SETTLED = Duration.ofMinutes(1);
  static final int RSS_ALLOWANCE_MIB = 32;
  static final int HEAP_GROWTH_PERCENT = 20;
  static final int THREAD_ALLOWANCE = 8;

  /** One reading, {@code elapsed} after the soak began; the heap is the used heap after GC. */
  record Sample(Duration elapsed, ProcessFootprint footprint, long liveHeapBytes) {}

  private final long fdAllowance;
  private final List<Sample> samples = new ArrayList<>();

  FootprintFlatness(long fdAllowance) {
    this.fdAllowance = fdAllowance;
  }

  void add(Sample sample) {
    samples.add(sample);
  }

  /** The rule, for the report. */
  String rule() {
    return String.format(
        Locale.ROOT,
        "every sample after the first at >= %d s within +%d MiB RSS, +%d %% live heap, +%d threads,"
            + " +%d fds of it",
        SETTLED.toSeconds(), RSS_ALLOWANCE_MIB, HEAP_GROWTH_PERCENT, THREAD_ALLOWANCE, fdAllowance);
  }

  /** Prints the reference, the maxima after it and PASS or FAIL; returns whether it is flat. */
  boolean report(PrintStream out) {
    int first = 0;
    while (first < samples.size() && samples.get(first).elapsed().compareTo(SETTLED) < 0) {
      first++;
    }
    if (first >= samples.size() - 1) {
      out.printf("footprint flat (%s): FAIL, fewer than two samples from %d s on%n", rule(), SETTLED.toSeconds());
      return false;
    }
    Sample reference = samples.get(first);
    List<Sample> later = samples.subList(first + 1, samples.size());
    long rss = max(later, s -> s.footprint().rssKiB());
    long heap = max(later, Sample::liveHeapBytes);
    long threads = max(later, s -> s.footprint().threads());
    long fds = max(later, s -> s.footprint().fds());
    ProcessFootprint at = reference.footprint();
    boolean flat =
        rss <= at.rssKiB() + RSS_ALLOWANCE_MIB * 1024L
            && heap * 100 <= reference.liveHeapBytes() * (100 + HEAP_GROWTH_PERCENT)
            && threads <= at.threads() + THREAD_ALLOWANCE
            && fds <= at.fds() + fdAllowance;
    out.printf(
        Locale.ROOT,
        "  at %d s: RSS %.1f MiB, live heap %.1f MiB, %d threads, %d fds; max of the %d samples after:"
            + " RSS %.1f MiB (%+.1f MiB), live heap %.1f MiB (%+.1f %%), %d threads, %d fds%n",
        reference.elapsed().toSeconds(), at.rssMiB(), reference.liveHeapBytes() / 1048576.0,
        at.threads(), at.fds(), later.size(),
        rss / 1024.0, (rss - at.rssKiB()) / 1024.0,
        heap / 1048576.0, growthPercent(reference.liveHeapBytes(), heap),
        threads, fds);
    out.printf("footprint flat (%s): %s%n", rule(), flat ? "PASS" : "FAIL");
    return flat;
  }

  private static long max(List<Sample> samples, ToLongFunction<Sample> value) {
    return samples.stream().mapToLong(value).max().orElseThrow();
  }

  private static double growthPercent(long from, long to) {
    return (to - from) * 100.0 / from;
  }
}
