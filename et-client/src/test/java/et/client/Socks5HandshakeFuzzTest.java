package et.client;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * {@link Socks5Handshake#accept} on any bytes a local SOCKS client sends: a target, a {@link
 * Socks5Handshake.Refused} after the protocol's answer, or an EOFException at a short read; and the
 * proxy never answers more than the method choice and one reply.
 */
class Socks5HandshakeFuzzTest {
  /** The method choice (2 bytes) and one reply (10 bytes). */
  private static final int MOST_ANSWERED = 2 + 10;

  @FuzzTest
  void greetingsAndRequestsGiveATargetOrARefusal(byte[] clientBytes) throws IOException {
    ByteArrayOutputStream answered = new ByteArrayOutputStream();
    try {
      assertNotNull(Socks5Handshake.accept(new ByteArrayInputStream(clientBytes), answered));
    } catch (Socks5Handshake.Refused refused) {
      assertNotNull(refused.getMessage());
    } catch (EOFException cutShort) {
      // the client stopped mid-handshake
    }
    assertTrue(answered.size() <= MOST_ANSWERED, () -> answered.size() + " bytes answered");
  }
}
