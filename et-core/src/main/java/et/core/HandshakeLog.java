package et.core;

import et.core.resume.LifecycleLog;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Log lines about peers that have not proved any secret (refused and failed handshakes), which
 * anyone who reaches the port can cause: at most {@value #LINES_PER_SOURCE} lines per source
 * address and {@value #LINES_PER_PERIOD} in all per minute are written in full; the rest are counted
 * and summed up once the minute is over ("312 more failed handshakes from 10.1.2.3 in the last
 * minute"), naming at most {@value #SOURCES_NAMED} sources, so a flood costs the log a few lines a
 * minute. The summary is written with the next line after the minute, or at {@link #flush}.
 *
 * <p>Thread-safe: handshake tasks log concurrently.
 */
final class HandshakeLog {
  static final int LINES_PER_SOURCE = 3;
  static final int LINES_PER_PERIOD = 30;
  static final int SOURCES_NAMED = 10;
  static final long PERIOD_NANOS = 60_000_000_000L;

  private final LifecycleLog log;
  private final LongSupplier clock;
  private long periodStart;
  private int linesThisPeriod;
  /** Lines written in full and lines held back this period, per source (at most SOURCES_NAMED held). */
  private final Map<InetAddress, Integer> written = new HashMap<>();
  private final Map<InetAddress, Integer> heldBack = new HashMap<>();
  private long heldBackElsewhere;

  HandshakeLog(LifecycleLog log, LongSupplier clock) {
    this.log = log;
    this.clock = clock;
    this.periodStart = clock.getAsLong();
  }

  /** Logs {@code format} about {@code source}, or counts it once its share of lines is used. */
  synchronized void log(InetAddress source, String format, Object... arguments) {
    long now = clock.getAsLong();
    if (now - periodStart >= PERIOD_NANOS) {
      flush();
      periodStart = now;
    }
    int bySource = written.getOrDefault(source, 0);
    if (bySource < LINES_PER_SOURCE && linesThisPeriod < LINES_PER_PERIOD) {
      written.put(source, bySource + 1);
      linesThisPeriod++;
      log.log(format, arguments);
    } else if (heldBack.containsKey(source) || heldBack.size() < SOURCES_NAMED) {
      heldBack.merge(source, 1, Integer::sum);
    } else {
      heldBackElsewhere++;
    }
  }

  /** Writes the summary of what was held back, and starts counting afresh. */
  synchronized void flush() {
    heldBack.forEach((source, count) ->
        log.log("{} more failed or refused handshakes from {} in the last minute", count, source.getHostAddress()));
    if (heldBackElsewhere > 0) {
      log.log("{} more failed or refused handshakes from other sources in the last minute", heldBackElsewhere);
    }
    written.clear();
    heldBack.clear();
    heldBackElsewhere = 0;
    linesThisPeriod = 0;
  }
}
