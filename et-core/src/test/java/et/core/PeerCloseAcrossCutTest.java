package et.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.Await;
import et.testkit.FaultRelay;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tinylog.Logger;

/**
 * A client that has received the server's SESSION_CLOSE ends as CLOSED_BY_PEER with the server's
 * status, even when the connection is lost before its acknowledgement gets out.
 *
 * <p>How the loss is arranged: the client-to-server direction is held while the client writes
 * far more than it lets through, hoping to leave its socket-writer blocked in a write so that it
 * cannot send the acknowledgement; the server closes, the client receives it (a marker the server
 * writes after its close proves that), and the connection is cut. On reconnect the server takes
 * the client's count as the acknowledgement, ends, and drops the connection. Whether the client's
 * writer was really blocked depends on the kernel's socket buffers, so the scenario is repeated.
 */
class PeerCloseAcrossCutTest {
  private static final SessionOptions OPTIONS = SessionOptions.defaults().withChannelWindow(8 << 20);
  /** The relay's receive buffer: small, so the held direction pushes back on the client early. */
  private static final int RELAY_BUFFER = 16 * 1024;
  private static final int ROUNDS = 20;
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(15);

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aReceivedCloseEndsTheClientAsClosedByPeerAcrossACut() throws Exception {
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    try (EternalServer server = EternalServer.start(loopback, OPTIONS);
        FaultRelay relay =
            new FaultRelay(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), RELAY_BUFFER)) {
      for (int round = 1; round <= ROUNDS; round++) {
        Session serverSide = server.newSession();
        Session client = EternalClient.connect(relay.address(), serverSide.credentials(), OPTIONS);
        Channel clientEnd = client.openChannel("bulk");
        Channel serverEnd = serverSide.acceptChannel(Duration.ofSeconds(5));
        assertNotNull(serverEnd);

        relay.stall(FaultRelay.Direction.CLIENT_TO_SERVER, true);
        Thread.ofVirtual().name("bulk writer").start(() -> writeUntilFailure(clientEnd.output()));
        // More than a frame: the client has filled what the kernel lets it write (on loopback the
        // small send buffer SendQueueLimit fixes) and the held direction pushes back.
        Await.until("the client's backlog grew", STEP_TIMEOUT, () -> client.backlogBytes() > 64 << 10);

        serverSide.close(7, "shell exited");
        byte[] marker = "after close".getBytes(StandardCharsets.UTF_8);
        serverEnd.output().write(marker); // sequenced after SESSION_CLOSE
        // available() and not read(): a read would send window credit, which fails once ended.
        Await.until("the close reached the client", STEP_TIMEOUT, () -> available(clientEnd) >= marker.length);

        relay.cutAll();
        relay.stall(FaultRelay.Direction.CLIENT_TO_SERVER, false);

        assertTrue(client.awaitEnd(STEP_TIMEOUT), "the client ended");
        Logger.info("round {}: client {}, server {}", round, client.end(), serverSide.end());
        assertEquals(SessionEnd.Cause.CLOSED_BY_PEER, client.end().cause(), "round " + round + ": " + client.end());
        assertEquals(7, client.end().exitStatus());
      }
    }
  }

  private static int available(Channel channel) {
    try {
      return channel.input().available();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void writeUntilFailure(OutputStream out) {
    byte[] chunk = new byte[64 * 1024];
    try {
      for (int i = 0; i < 1024; i++) { // 64 MiB at most; it blocks or fails long before
        out.write(chunk);
      }
    } catch (IOException expected) {
      // the session ended under it
    }
  }
}
