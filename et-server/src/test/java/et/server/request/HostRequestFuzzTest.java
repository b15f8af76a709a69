package et.server.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import et.terminal.BoundedLine;

import com.code_intelligence.jazzer.junit.FuzzTest;
import et.terminal.BootstrapException;
import et.terminal.BootstrapNonce;
import et.terminal.HostRequest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * What the session host and etterminal do with the bytes a client writes before any session
 * exists: {@link BoundedLine#read} cuts them into lines within the cap, {@link RequestNonce#find}
 * finds the nonce to answer even a bad request, and {@link HostRequest#parse} takes the request (of
 * any kind: a session, the list, a kill, a relay grant) or refuses it. When both find a nonce, it is the same one.
 */
class HostRequestFuzzTest {
  /** A cap the fuzzer's inputs reach, so over-long lines are exercised too. */
  private static final int SMALL_CAP = 64;

  @FuzzTest
  void requestBytesGiveLinesAndRequestsOrRefusals(byte[] clientBytes) throws IOException {
    for (int cap : new int[] {BoundedLine.MAX_BYTES, SMALL_CAP}) {
      InputStream in = new ByteArrayInputStream(clientBytes);
      while (true) {
        String line;
        try {
          line = BoundedLine.read(in, cap);
        } catch (EOFException | BoundedLine.TooLongException end) {
          break;
        }
        assertTrue(line.length() <= cap, () -> line.length() + " chars");
        Optional<BootstrapNonce> nonce = RequestNonce.find(line);
        try {
          BootstrapNonce parsed = HostRequest.parse(line).nonce();
          nonce.ifPresent(found -> assertEquals(parsed, found));
        } catch (BootstrapException refused) {
          assertFalse(refused.getMessage().isEmpty());
        }
      }
    }
  }
}
