package et.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The schedule never waits for a dial that no fault made the client owe. */
@Timeout(20)
class ChaosScheduleTest {
  @Test
  void aConnectionThatOutlastsABlackholeTakesTheNextFault() throws Exception {
    try (ServerSocket target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        FaultRelay relay = new FaultRelay(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), target.getLocalPort()));
        Socket client = new Socket(relay.address().getAddress(), relay.port())) {
      // Endpoints that count as having noticed at once, as two still shaking hands do, and never
      // dial again: the one connection carries on through both blackholes.
      ChaosSchedule chaos =
          new ChaosSchedule(relay, 1, 0, 2, 2, Duration.ofMillis(10), () -> true);

      assertEquals(new ChaosSchedule.Done(0, 2), chaos.run(() -> 2));
      assertEquals(1, relay.connectionsAccepted());
    }
  }
}
