package et.bench;

import et.testkit.Poll;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** Ports on 127.0.0.1 for the tunnels under test: a free one, and waiting until one listens. */
final class LoopbackPorts {
  private static final Duration READY = Duration.ofSeconds(60);

  private LoopbackPorts() {}

  /** Waits until a connection to {@code port} succeeds; {@code what} names the listener in the failure. */
  static void awaitListening(int port, String what) throws InterruptedException {
    boolean up = Poll.until(READY, () -> {
      try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return true;
      } catch (IOException e) {
        return false;
      }
    });
    if (!up) {
      throw new IllegalStateException(what + " did not listen on " + port + " within " + READY.toSeconds() + " s");
    }
  }

  /** A port the kernel just handed out and nobody held a moment ago. */
  static int free() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }
}
