package et.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The agent's request as the thin client writes it, and each malformed one refused with its reason. */
class AgentRequestTest {

  /** Writes a request in the wire format of {@link AgentRequest}, fields as given (no checks). */
  private static final class Wire {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final DataOutputStream out = new DataOutputStream(bytes);

    Wire integer(int value) throws IOException {
      out.writeInt(value);
      return this;
    }

    Wire string(String value) throws IOException {
      return raw(value.getBytes(StandardCharsets.UTF_8));
    }

    Wire raw(byte[] value) throws IOException {
      out.writeInt(value.length);
      out.write(value);
      return this;
    }

    AgentRequest read() throws IOException {
      return AgentRequest.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    }

    String refusal() {
      return assertThrows(IOException.class, this::read).getMessage();
    }
  }

  private static Wire start() throws IOException {
    return new Wire().integer(AgentRequest.MAGIC).integer(4242).string("/dev/pts/7").string("/home/ada/src");
  }

  @Test
  void aWellFormedRequestReadsBackWithItsArgumentsAndEnvironment() throws IOException {
    AgentRequest request = start().integer(3).string("-c").string("ls -l ümlaut").string("host")
        .integer(2).string("TERM").string("xterm").string("EMPTY").string("").read();
    assertEquals(4242, request.pid());
    assertEquals(Path.of("/dev/pts/7"), request.terminal());
    assertEquals(Path.of("/home/ada/src"), request.directory());
    assertEquals(List.of("-c", "ls -l ümlaut", "host"), request.args());
    assertEquals(Map.of("TERM", "xterm", "EMPTY", ""), request.environment());
  }

  @Test
  void eachMalformedRequestIsRefusedSayingWhatIsWrong() throws IOException {
    assertTrue(new Wire().integer(0x47455420).refusal().contains("not an et agent request"));
    assertTrue(new Wire().refusal().contains("the request ended early"));
    assertTrue(start().refusal().contains("the request ended early"));
    assertTrue(new Wire().integer(0x45544131).refusal().contains("not an et agent request"), "the format before the process id");
    assertTrue(new Wire().integer(AgentRequest.MAGIC).integer(0).refusal().contains("bad process id: 0"));
    assertTrue(new Wire().integer(AgentRequest.MAGIC).integer(1).string("pts/7").refusal().contains("terminal is not an absolute path"));
    assertTrue(start().integer(-1).refusal().contains("bad number of arguments: -1"));
    assertTrue(start().integer(AgentRequest.MAX_ARGS + 1).refusal().contains("bad number of arguments"));
    assertTrue(start().integer(1).integer(AgentRequest.MAX_STRING_BYTES + 1).refusal().contains("bad length of argument"));
    assertTrue(start().integer(1).integer(10).refusal().contains("ended inside argument"));
    assertTrue(start().integer(1).raw(new byte[] {(byte) 0xff, 'a'}).refusal().contains("argument is not UTF-8"));
    assertTrue(start().integer(0).integer(AgentRequest.MAX_VARIABLES + 1).refusal().contains("bad number of environment variables"));
  }

  @Test
  void theStringsTogetherAreCappedBeforeTheyAreRead() throws IOException {
    Wire wire = start().integer(AgentRequest.MAX_ARGS);
    byte[] big = new byte[AgentRequest.MAX_STRING_BYTES];
    Arrays.fill(big, (byte) 'x');
    for (int i = 0; i < AgentRequest.MAX_TOTAL_BYTES / big.length + 1; i++) {
      wire.raw(big);
    }
    assertTrue(wire.refusal().contains("request longer than " + AgentRequest.MAX_TOTAL_BYTES + " bytes"));
  }
}
