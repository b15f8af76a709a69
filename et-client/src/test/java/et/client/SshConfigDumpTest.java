package et.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SshConfigDumpTest {

  /** The start of a real {@code ssh -G work} (OpenSSH 9.2) for {@code Host work / HostName 10.1.2.3}. */
  private static final String DUMP = """
      host work
      user root
      hostname 10.1.2.3
      port 22
      addressfamily any
      batchmode no
      canonicalizefallbacklocal yes
      identityfile ~/.ssh/id_ed25519
      """;

  @Test
  void theHostnameLineOfARealDump() {
    assertEquals(Optional.of("10.1.2.3"), SshConfigDump.hostName(DUMP));
  }

  @Test
  void warningsBeforeTheDumpAndWindowsLineEndsChangeNothing() {
    String merged = "Pseudo-terminal will not be allocated because stdin is not a terminal.\r\n"
        + DUMP.replace("\n", "\r\n");
    assertEquals(Optional.of("10.1.2.3"), SshConfigDump.hostName(merged));
  }

  @Test
  void theFirstHostnameLineCountsAndTheKeywordIsCaseInsensitive() {
    assertEquals(Optional.of("db.example.org"), SshConfigDump.hostName("HostName db.example.org\nhostname other\n"));
  }

  @Test
  void proxyJumpIsReadUnlessItIsNone() {
    assertEquals(Optional.of("alice@bastion:2222,inner"), SshConfigDump.proxyJump(DUMP + "proxyjump alice@bastion:2222,inner\n"));
    assertEquals(Optional.empty(), SshConfigDump.proxyJump(DUMP));
    assertEquals(Optional.empty(), SshConfigDump.proxyJump("proxyjump none\n"));
  }

  @Test
  void anIpv6AddressIsAHost() {
    assertEquals(Optional.of("fe80::1%eth0"), SshConfigDump.hostName("hostname fe80::1%eth0\n"));
  }

  @Test
  void noHostnameLineNoHost() {
    assertEquals(Optional.empty(), SshConfigDump.hostName(DUMP.replace("hostname 10.1.2.3\n", "")));
    assertEquals(Optional.empty(), SshConfigDump.hostName(""));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "hostname\n",
      "hostname \n",
      "hostname two words\n",
      "hostname -oProxyCommand=x\n",
      "hostname a\u0007b\n",
      "hostnames 10.1.2.3\n",
      "xhostname 10.1.2.3\n",
      "  hostname 10.1.2.3\n",
      "command-line: line 0: Bad configuration option: hostname\n",
      "\u0000\u00ff\u001b[2Jhostname 10.1.2.3\n"})
  void junkIsNeverTakenForAHost(String output) {
    assertEquals(Optional.empty(), SshConfigDump.hostName(output));
  }

  @Test
  void aHostNameLongerThanAnyRealOneIsJunk() {
    String longest = "a".repeat(SshConfigDump.MAX_HOST_NAME_CHARS);
    assertEquals(Optional.of(longest), SshConfigDump.hostName("hostname " + longest + "\n"));
    assertEquals(Optional.empty(), SshConfigDump.hostName("hostname " + longest + "a\n"));
  }
}
