package et.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.client.cli.TunnelSpec.Tunnel;
import et.terminal.forward.Endpoint;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every form of -t / -L, and the bad ones refused with what is wrong. */
class TunnelSpecTest {
  private static Endpoint tcp(String host, int port) {
    return new Endpoint.Tcp(host, port);
  }

  private static Endpoint unix(String path) {
    return new Endpoint.Unix(path);
  }

  @Test
  void eachFormListensAndConnectsWhereItSays() {
    assertEquals(List.of(new Tunnel(tcp("127.0.0.1", 8080), tcp("localhost", 80))), TunnelSpec.parse("8080:80"));
    assertEquals(List.of(new Tunnel(tcp("127.0.0.1", 8080), tcp("db.internal", 5432))), TunnelSpec.parse("8080:db.internal:5432"));
    assertEquals(List.of(new Tunnel(tcp("0.0.0.0", 8080), tcp("10.0.0.5", 80))), TunnelSpec.parse("0.0.0.0:8080:10.0.0.5:80"));
    assertEquals(List.of(new Tunnel(tcp("::1", 8888), tcp("2001:db8::1", 9999))), TunnelSpec.parse("[::1]:8888:[2001:db8::1]:9999"));
    assertEquals(List.of(new Tunnel(unix("/tmp/a.sock"), unix("/run/b.sock"))), TunnelSpec.parse("/tmp/a.sock:/run/b.sock"));
    assertEquals(List.of(new Tunnel(tcp("127.0.0.1", 8080), unix("/run/b.sock"))), TunnelSpec.parse("8080:/run/b.sock"));
    assertEquals(List.of(new Tunnel(unix("/tmp/a.sock"), tcp("localhost", 80))), TunnelSpec.parse("/tmp/a.sock:80"));
    assertEquals(List.of(new Tunnel(unix("/tmp/a.sock"), tcp("web", 80))), TunnelSpec.parse("/tmp/a.sock:web:80"));
    assertEquals(
        List.of(new Tunnel(tcp("127.0.0.1", 8000), tcp("localhost", 9000)),
            new Tunnel(tcp("127.0.0.1", 8001), tcp("localhost", 9001)),
            new Tunnel(tcp("127.0.0.1", 8002), tcp("localhost", 9002))),
        TunnelSpec.parse("8000-8002:9000-9002"));
    assertEquals(
        List.of(new Tunnel(tcp("127.0.0.1", 1), tcp("localhost", 2)), new Tunnel(tcp("127.0.0.1", 3), tcp("localhost", 4))),
        TunnelSpec.parse("1:2, 3:4"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''                       | empty",
      "8080                     | expected [bind:]port:host:hostport",
      "1:2:3:4:5                | expected [bind:]port:host:hostport",
      "8080:                    | an empty field",
      "0:80                     | listening port out of 1..65535: 0",
      "8080:70000               | target port out of 1..65535: 70000",
      "http:80                  | not a listening port or range: \"http\"",
      "8000-8010:9000-9005      | ranges of different lengths (11 and 6 ports)",
      "8010-8000:9010-9000      | range 8010-8000 is backwards",
      "1-2000:1-2000            | holds more than 1000 ports",
      "8000-8002:/run/b.sock    | a range cannot go to one unix socket",
      "/tmp/a.sock:80-81        | a unix socket cannot listen for a range",
      "[::1:8080:80             | unclosed [",
      "[localhost]:8080:web:80  | brackets are for IPv6 addresses",
      "8080:bad host:80         | not a host name or address",
      "relative.sock:80         | not a listening port or range",
      "1.2.3.4:/tmp/a.sock:web:80 | a unix socket listens at its path: no bind address",
      "127.0.0.1:8080:web:/b.sock | a unix socket target takes no host",
  })
  void badSpecsAreRefusedWithWhatIsWrong(String spec, String expected) {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> TunnelSpec.parse(spec));
    String message = refused.getMessage();
    assertTrue(message.startsWith("bad tunnel \"" + spec.strip() + "\": ") && message.contains(expected), message);
  }
}
