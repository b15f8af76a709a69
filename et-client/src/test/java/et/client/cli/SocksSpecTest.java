package et.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.terminal.forward.Endpoint;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every form of -D, and the bad ones refused with what is wrong. */
class SocksSpecTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "1080                 | 127.0.0.1 | 1080",
      "' 1080 '             | 127.0.0.1 | 1080",
      "0.0.0.0:1080         | 0.0.0.0   | 1080",
      "localhost:65535      | localhost | 65535",
      "[::1]:1              | ::1       | 1",
  })
  void eachFormListensWhereItSays(String spec, String host, int port) {
    assertEquals(new Endpoint.Tcp(host, port), SocksSpec.parse(spec));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''                   | empty",
      "0                    | port out of 1..65535: 0",
      "70000                | port out of 1..65535: 70000",
      "123456               | not a port: \"123456\"",
      "socks                | not a port: \"socks\"",
      "1080-1081            | not a port: \"1080-1081\"",
      "127.0.0.1:           | an empty field",
      ":1080                | an empty field",
      "1.2.3.4:1080:80      | expected port, bind:port or [ipv6]:port",
      "::1:1080             | expected port, bind:port or [ipv6]:port",
      "[::1]:1080:80        | expected port, bind:port or [ipv6]:port",
      "1080:80              | bind address \"1080\" is a number: -D takes one port",
      "[::1:1080            | unclosed [",
      "[localhost]:1080     | brackets are for IPv6 addresses",
      "bad host:1080        | not a host name or address",
      "/tmp/socks.sock      | a SOCKS proxy listens on TCP, not on a unix socket",
  })
  void badSpecsAreRefusedWithWhatIsWrong(String spec, String expected) {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> SocksSpec.parse(spec));
    String message = refused.getMessage();
    assertTrue(message.startsWith("bad SOCKS proxy \"" + spec.strip() + "\": ") && message.contains(expected), message);
  }
}
