package et.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;

/**
 * What the client reads back from ssh: {@link ReplyScanner#scan} on any stdout, and {@link
 * BootstrapReply#parse} on any one line. A reply found or parsed writes back a line that parses to
 * the same reply; anything else is a BootstrapException with a message, or (scanner) an empty result
 * with the reason it stopped.
 */
class BootstrapReplyFuzzTest {
  /** The nonce the scanner waits for; the seed corpus spells it in its replies. */
  private static final BootstrapNonce EXPECTED =
      BootstrapNonce.of(HexFormat.of().parseHex("00112233445566778899aabbccddeeff"));

  @FuzzTest
  void sshOutputYieldsTheReplyOrARefusal(byte[] stdout) throws IOException {
    parsed(() -> BootstrapReply.parse(new String(stdout, StandardCharsets.ISO_8859_1)))
        .ifPresent(BootstrapReplyFuzzTest::roundTrips);

    ReplyScanner scanner = new ReplyScanner(EXPECTED);
    Optional<BootstrapReply> found = parsed(() -> scanner.scan(new ByteArrayInputStream(stdout)).orElse(null));
    found.ifPresent(reply -> assertEquals(EXPECTED, reply.nonce()));
    found.ifPresent(BootstrapReplyFuzzTest::roundTrips);
  }

  private interface Parse {
    BootstrapReply run() throws IOException, BootstrapException;
  }

  /** The reply, or empty when the input was refused (with a message) or held none. */
  private static Optional<BootstrapReply> parsed(Parse parse) throws IOException {
    try {
      return Optional.ofNullable(parse.run());
    } catch (BootstrapException refused) {
      assertNotNull(refused.getMessage());
      return Optional.empty();
    }
  }

  private static void roundTrips(BootstrapReply reply) {
    try {
      assertEquals(reply, BootstrapReply.parse(reply.toLine()));
    } catch (BootstrapException e) {
      throw new AssertionError("our own line is refused: " + reply.toLine(), e);
    }
  }
}
