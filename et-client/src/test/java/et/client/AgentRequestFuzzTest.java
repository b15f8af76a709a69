package et.client;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * {@link AgentRequest#read} on any bytes a local process sends to the agent's socket: a request
 * within its caps (absolute paths, bounded counts), or an IOException with a reason; nothing else.
 */
class AgentRequestFuzzTest {

  @FuzzTest
  void anyBytesGiveABoundedRequestOrAReason(byte[] sent) {
    try {
      AgentRequest request = AgentRequest.read(new DataInputStream(new ByteArrayInputStream(sent)));
      assertTrue(request.terminal().isAbsolute() && request.directory().isAbsolute(), request::toString);
      assertTrue(request.args().size() <= AgentRequest.MAX_ARGS);
      assertTrue(request.environment().size() <= AgentRequest.MAX_VARIABLES);
    } catch (IOException refused) {
      assertNotNull(refused.getMessage());
    }
  }
}
