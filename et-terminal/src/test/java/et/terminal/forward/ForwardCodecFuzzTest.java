package et.terminal.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The FORWARD channel's codecs on any peer bytes: {@link Endpoint#readFrom} (the client's request,
 * read by the server) and {@link ForwardReply#read} (the server's answer, read by the client). What
 * they accept writes back to bytes that read the same; anything else is an IOException with a
 * message.
 */
class ForwardCodecFuzzTest {

  @FuzzTest
  void forwardRequestsAndRepliesReadBackOrAreRefused(byte[] peerBytes) throws IOException {
    try {
      Endpoint endpoint = Endpoint.readFrom(new ByteArrayInputStream(peerBytes));
      ByteArrayOutputStream written = new ByteArrayOutputStream();
      endpoint.writeTo(written);
      assertEquals(endpoint, Endpoint.readFrom(new ByteArrayInputStream(written.toByteArray())));
    } catch (IOException refused) {
      assertNotNull(refused.getMessage());
    }

    Optional<String> reply;
    try {
      reply = ForwardReply.read(new ByteArrayInputStream(peerBytes));
    } catch (IOException refused) {
      assertNotNull(refused.getMessage());
      return;
    }
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    if (reply.isPresent()) {
      ForwardReply.writeRefused(written, reply.get());
    } else {
      ForwardReply.writeConnected(written);
    }
    Optional<String> again = ForwardReply.read(new ByteArrayInputStream(written.toByteArray()));
    // Invalid UTF-8 reads as replacement characters, which may write back longer than the cap and
    // be cut: such a reason need only read back as a refusal.
    boolean fitsTheCap = reply.map(reason -> reason.getBytes(StandardCharsets.UTF_8).length).orElse(0)
        <= ForwardReply.MAX_REASON_BYTES;
    assertEquals(fitsTheCap ? reply : Optional.of(again.orElseThrow()), again);
  }
}
