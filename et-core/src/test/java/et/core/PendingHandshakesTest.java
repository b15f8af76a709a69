package et.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The caps on pending handshakes: the oldest gives way, a source's share first, never the newcomer. */
class PendingHandshakesTest {
  private final List<SocketChannel> sockets = new ArrayList<>();

  @AfterEach
  void close() throws IOException {
    for (SocketChannel socket : sockets) {
      socket.close();
    }
  }

  @Test
  void aSourceOverItsShareDisplacesItsOwnOldestNotAnotherSources() throws Exception {
    PendingHandshakes pending = new PendingHandshakes(10, 2);
    InetAddress flooder = InetAddress.getByName("10.0.0.1");
    InetAddress honest = InetAddress.getByName("10.0.0.2");
    SocketChannel honestOne = socket();
    assertEquals(Optional.empty(), pending.admit(honestOne, honest));
    SocketChannel first = socket();
    SocketChannel second = socket();
    assertEquals(Optional.empty(), pending.admit(first, flooder));
    assertEquals(Optional.empty(), pending.admit(second, flooder));
    SocketChannel third = socket();
    assertEquals(Optional.of(first), pending.admit(third, flooder), "the flooder's own oldest");
    assertTrue(pending.isPending(honestOne));
    assertFalse(pending.isPending(first));
    assertEquals(3, pending.size());
  }

  @Test
  void aFullTableDisplacesTheOldestOfAllAndFinishedOnesFreeTheirPlace() throws Exception {
    PendingHandshakes pending = new PendingHandshakes(3, 3);
    List<SocketChannel> admitted = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      SocketChannel socket = socket();
      admitted.add(socket);
      assertEquals(Optional.empty(), pending.admit(socket, InetAddress.getByName("10.0.0." + i)));
    }
    SocketChannel newcomer = socket();
    assertEquals(Optional.of(admitted.getFirst()), pending.admit(newcomer, InetAddress.getByName("10.0.0.9")));
    pending.finished(admitted.get(1));
    pending.finished(admitted.getFirst()); // displaced already: nothing to do
    assertEquals(2, pending.size());
    assertEquals(Optional.empty(), pending.admit(socket(), InetAddress.getByName("10.0.0.1")));
  }

  @Test
  void capsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> new PendingHandshakes(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new PendingHandshakes(4, 5));
  }

  private SocketChannel socket() throws IOException {
    SocketChannel socket = SocketChannel.open(); // unconnected: only its identity counts here
    sockets.add(socket);
    return socket;
  }
}
