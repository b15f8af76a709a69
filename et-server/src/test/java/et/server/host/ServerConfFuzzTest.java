package et.server.host;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import et.server.session.ForwardPolicy.Permit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@link ServerConf#parse} on any server.conf, and {@link Permit#parse} on any permit-open entry:
 * a configuration with a port in range, or an IOException naming the line (IllegalArgumentException
 * for an entry) that says what is wrong.
 */
class ServerConfFuzzTest {

  @FuzzTest
  void anyFileParsesOrIsRefusedWithAReason(byte[] file) {
    String text = new String(file, StandardCharsets.UTF_8);
    try {
      ServerConf conf = ServerConf.parse("server.conf", text.lines().toList());
      assertTrue(conf.port() >= 1 && conf.port() <= 65535, () -> "port " + conf.port());
    } catch (IOException refused) {
      assertTrue(refused.getMessage().startsWith("server.conf line "), refused.getMessage());
    }
    try {
      assertNotNull(Permit.parse(text));
    } catch (IllegalArgumentException refused) {
      assertNotNull(refused.getMessage());
    }
  }
}
