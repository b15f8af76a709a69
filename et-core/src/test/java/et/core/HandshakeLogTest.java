package et.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import et.core.resume.LifecycleLog;
import et.core.testing.LogTail;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Lines about strangers are rate-limited: a source's first few a minute in full, the rest summed
 * up once the minute is over, so a flood from anywhere costs the log a few lines.
 */
class HandshakeLogTest {
  private static final Duration LOG_WAIT = Duration.ofSeconds(5);

  @Test
  void aSourcesLinesBeyondItsShareAreSummedUpAfterTheMinute() throws Exception {
    AtomicLong now = new AtomicLong();
    HandshakeLog log = new HandshakeLog(LifecycleLog.here(), now::get);
    LogTail tail = LogTail.mark();
    InetAddress flooder = InetAddress.getByName("10.9.8.7");
    InetAddress other = InetAddress.getByName("10.9.8.6");
    for (int i = 0; i < 100; i++) {
      log.log(flooder, "test stranger {} tried #{}", flooder.getHostAddress(), i);
    }
    log.log(other, "test stranger {} tried #{}", other.getHostAddress(), 0);
    tail.awaitLine(LOG_WAIT, "test stranger 10.9.8.6 tried #0");
    assertEquals(HandshakeLog.LINES_PER_SOURCE, tail.linesWith("test stranger 10.9.8.7 tried").size(), "the flooder's share");

    now.addAndGet(HandshakeLog.PERIOD_NANOS);
    log.log(flooder, "test stranger {} tried #{}", flooder.getHostAddress(), 100);
    tail.awaitLine(LOG_WAIT, "97 more failed or refused handshakes from 10.9.8.7 in the last minute");
    tail.awaitLine(LOG_WAIT, "test stranger 10.9.8.7 tried #100"); // a new minute, a new share
  }

  @Test
  void beyondTheSourcesNamedTheRestAreCountedTogether() throws Exception {
    HandshakeLog log = new HandshakeLog(LifecycleLog.here(), () -> 0);
    LogTail tail = LogTail.mark();
    int sources = HandshakeLog.LINES_PER_PERIOD + HandshakeLog.SOURCES_NAMED + 5;
    for (int i = 0; i < sources; i++) {
      InetAddress source = InetAddress.getByName("10.7.0." + (i + 1));
      log.log(source, "test wanderer {}", source.getHostAddress());
    }
    log.flush();
    tail.awaitLine(LOG_WAIT, "5 more failed or refused handshakes from other sources in the last minute");
    assertEquals(HandshakeLog.LINES_PER_PERIOD, tail.linesWith("test wanderer").size(), "lines in full in one minute");
    assertEquals(HandshakeLog.SOURCES_NAMED, tail.linesWith("1 more failed or refused handshakes from 10.7.0.").size());
  }
}
