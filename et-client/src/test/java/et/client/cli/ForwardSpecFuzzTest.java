package et.client.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import et.client.cli.TunnelSpec.Tunnel;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The forwarding options' parsers on any argument text: {@link TunnelSpec#parse} ({@code
 * -t/-r/-L/-R}) and {@link SocksSpec#parse} ({@code -D}) return what the spec names, at most
 * {@link TunnelSpec#MAX_RANGE} tunnels per comma-separated spec, or refuse it with an
 * IllegalArgumentException that says why.
 */
class ForwardSpecFuzzTest {

  @FuzzTest
  void specsParseWithinTheirCapsOrAreRefused(byte[] argument) {
    String spec = new String(argument, StandardCharsets.UTF_8);
    try {
      List<Tunnel> tunnels = TunnelSpec.parse(spec);
      assertFalse(tunnels.isEmpty());
      long specs = spec.chars().filter(c -> c == ',').count() + 1;
      assertTrue(tunnels.size() <= specs * TunnelSpec.MAX_RANGE, () -> tunnels.size() + " tunnels");
      tunnels.forEach(tunnel -> assertNotNull(tunnel.listen()));
      tunnels.forEach(tunnel -> assertNotNull(tunnel.target()));
    } catch (IllegalArgumentException refused) {
      assertNotNull(refused.getMessage());
    }
    try {
      assertNotNull(SocksSpec.parse(spec));
    } catch (IllegalArgumentException refused) {
      assertNotNull(refused.getMessage());
    }
  }
}
