package et.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What et reads from {@code ssh -G}'s output, whatever the user's ssh configuration makes it print:
 * {@link SshForwardings#parse} never throws (a line it cannot take is skipped with a reason), and
 * {@link SshConfigDump#hostName} gives a plausible host or nothing.
 */
class SshForwardingsFuzzTest {

  @FuzzTest
  void anyDumpGivesForwardingsAndAHostOrNothing(byte[] output) {
    String dump = new String(output, StandardCharsets.UTF_8);
    SshForwardings forwardings = SshForwardings.parse(dump);
    long lines = dump.lines().count();
    assertTrue(forwardings.local().size() + forwardings.remote().size() + forwardings.dynamic().size()
        + forwardings.skipped().size() <= lines);

    Optional<String> host = SshConfigDump.hostName(dump);
    host.ifPresent(name -> assertFalse(name.isEmpty() || name.startsWith("-") || name.contains(" "), name));
  }
}
