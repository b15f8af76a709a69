package et.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.client.testing.InProcessHost;
import et.core.Channel;
import et.core.EternalClient;
import et.core.Session;
import et.core.SessionOptions;
import et.terminal.TerminalChannels;
import et.terminal.forward.Endpoint;
import et.terminal.forward.ForwardReply;
import et.testkit.SshServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SocksProxy} on a real session over loopback, the test playing the session host: a
 * CONNECT names its target on a forward channel as the client sent it, and the host's answer comes
 * back as the SOCKS reply; every request the proxy does not serve gets its reply (or none) and is
 * closed, opening no channel, while the session and other connections go on.
 */
class SocksProxyTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final byte[] NO_AUTH_GREETING = bytes(5, 1, 0);
  private static final byte[] NO_AUTH_CHOSEN = bytes(5, 0);

  private InProcessHost host;
  private Session client;
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final List<String> notes = new CopyOnWriteArrayList<>();
  private int proxyPort;

  @BeforeEach
  void startProxy() throws IOException {
    host = InProcessHost.start();
    client = EternalClient.connect(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), host.port()), host.session().credentials(), SessionOptions.defaults());
    proxyPort = SshServer.freePort();
    SocksProxy.start(client, List.of(Endpoint.loopback(proxyPort)), warnings::add, notes::add);
  }

  @AfterEach
  void close() {
    client.close();
    host.close();
  }

  @Test
  void aConnectToANameIsForwardedAsSentAndCarriesBytesBothWays() throws Exception {
    try (Socket socks = connect(proxyPort)) {
      socks.getOutputStream().write(concat(NO_AUTH_GREETING, connect(3, concat(bytes(12), ascii("db.internal.")), 5432)));
      Channel forward = nextForward();
      assertEquals(new Endpoint.Tcp("db.internal.", 5432), Endpoint.readFrom(forward.input()), "the name goes to the host unresolved");
      ForwardReply.writeConnected(forward.output());
      assertArrayEquals(concat(NO_AUTH_CHOSEN, reply(0)), socks.getInputStream().readNBytes(12));

      socks.getOutputStream().write(ascii("ping"));
      socks.shutdownOutput();
      assertArrayEquals(ascii("ping"), forward.input().readAllBytes(), "the client's bytes and its end of file");
      forward.output().write(ascii("pong"));
      forward.shutdownOutput();
      assertArrayEquals(ascii("pong"), socks.getInputStream().readAllBytes());
    }
    assertEquals(List.of(), warnings);
    assertEquals(List.of(), notes);
  }

  static Stream<Arguments> addresses() {
    return Stream.of(
        Arguments.of("IPv4", connect(1, bytes(10, 1, 2, 3), 443), new Endpoint.Tcp("10.1.2.3", 443)),
        Arguments.of("IPv6", connect(4, bytes(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), 22),
            new Endpoint.Tcp("2001:db8:0:0:0:0:0:1", 22)),
        Arguments.of("name", connect(3, concat(bytes(9), ascii("localhost")), 65535), new Endpoint.Tcp("localhost", 65535)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("addresses")
  void eachAddressTypeNamesItsTargetAndARefusalIsAGeneralFailureAndANote(String what, byte[] request, Endpoint target)
      throws Exception {
    try (Socket socks = connect(proxyPort)) {
      socks.getOutputStream().write(concat(NO_AUTH_GREETING, request));
      Channel forward = nextForward();
      assertEquals(target, Endpoint.readFrom(forward.input()));
      ForwardReply.writeRefused(forward.output(), "cannot connect to " + target + ": Connection refused");
      forward.shutdownOutput();
      assertArrayEquals(concat(NO_AUTH_CHOSEN, reply(1)), readToEnd(socks), "general failure, then the close");
    }
    assertEquals(List.of("SOCKS connection to " + target + ": cannot connect to " + target + ": Connection refused"), notes);
    assertEquals(List.of(), warnings, "a refused connection is no warning");
  }

  static Stream<Arguments> refusals() {
    byte[] loopback80 = bytes(1, 127, 0, 0, 1, 0, 80);
    return Stream.of(
        Arguments.of("SOCKS4", bytes(4, 1, 0, 80, 127, 0, 0, 1, 0), bytes()),
        Arguments.of("not SOCKS", ascii("GET / HTTP/1.1\r\n\r\n"), bytes()),
        Arguments.of("truncated greeting", bytes(5, 3, 0), bytes()),
        Arguments.of("no acceptable method", bytes(5, 2, 1, 2), bytes(5, 0xFF)),
        Arguments.of("no method at all", bytes(5, 0), bytes(5, 0xFF)),
        Arguments.of("a request of version 4", concat(NO_AUTH_GREETING, bytes(4, 1, 0), loopback80), NO_AUTH_CHOSEN),
        Arguments.of("BIND", concat(NO_AUTH_GREETING, bytes(5, 2, 0), loopback80), concat(NO_AUTH_CHOSEN, reply(7))),
        Arguments.of("UDP ASSOCIATE", concat(NO_AUTH_GREETING, bytes(5, 3, 0), loopback80), concat(NO_AUTH_CHOSEN, reply(7))),
        Arguments.of("unknown address type", concat(NO_AUTH_GREETING, bytes(5, 1, 0, 2, 1, 2, 3, 4, 0, 80)),
            concat(NO_AUTH_CHOSEN, reply(8))),
        Arguments.of("truncated request", concat(NO_AUTH_GREETING, bytes(5, 1, 0, 1, 127, 0)), NO_AUTH_CHOSEN),
        Arguments.of("truncated name", concat(NO_AUTH_GREETING, bytes(5, 1, 0, 3, 20), ascii("short")), NO_AUTH_CHOSEN),
        Arguments.of("name of length 0", concat(NO_AUTH_GREETING, connect(3, bytes(0), 80)), concat(NO_AUTH_CHOSEN, reply(1))),
        Arguments.of("name with a blank", concat(NO_AUTH_GREETING, connect(3, concat(bytes(3), ascii("a b")), 80)),
            concat(NO_AUTH_CHOSEN, reply(1))),
        Arguments.of("port 0", concat(NO_AUTH_GREETING, connect(1, bytes(127, 0, 0, 1), 0)), concat(NO_AUTH_CHOSEN, reply(1))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void whatTheProxyDoesNotServeGetsItsReplyAndTheCloseAndNoChannel(String what, byte[] sent, byte[] expected)
      throws Exception {
    try (Socket socks = connect(proxyPort)) {
      socks.getOutputStream().write(sent);
      socks.shutdownOutput(); // a truncated request ends here
      assertArrayEquals(expected, readToEnd(socks));
    }
    assertStillServes(proxyPort); // a channel opened for the refused connection would be taken first here
  }

  @Test
  void aClientThatSaysNothingIsClosedAtTheDeadline() throws Exception {
    int quickPort = SshServer.freePort();
    SocksProxy.start(client, List.of(Endpoint.loopback(quickPort)), Duration.ofMillis(200), warnings::add, notes::add);
    try (Socket silent = connect(quickPort); Socket halfway = connect(quickPort)) {
      halfway.getOutputStream().write(NO_AUTH_GREETING);
      assertArrayEquals(bytes(), readToEnd(silent));
      assertArrayEquals(NO_AUTH_CHOSEN, readToEnd(halfway));
    }
    assertStillServes(quickPort);
  }

  @Test
  void aListenerThatCannotBindIsReportedAndTheOthersServe() throws Exception {
    int second = SshServer.freePort();
    SocksProxy.start(client, List.of(Endpoint.loopback(proxyPort), Endpoint.loopback(second)), warnings::add, notes::add);
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.getFirst().startsWith("cannot listen on 127.0.0.1:" + proxyPort + ": "), warnings.toString());
    assertStillServes(second);
  }

  /** A full CONNECT through the proxy at {@code port}, answered "connected" by the host; checks no other channel came first. */
  private void assertStillServes(int port) throws Exception {
    try (Socket socks = connect(port)) {
      socks.getOutputStream().write(concat(NO_AUTH_GREETING, connect(1, bytes(127, 0, 0, 1), 7)));
      Channel forward = nextForward();
      assertEquals(new Endpoint.Tcp("127.0.0.1", 7), Endpoint.readFrom(forward.input()));
      ForwardReply.writeConnected(forward.output());
      forward.shutdownOutput();
      assertArrayEquals(concat(NO_AUTH_CHOSEN, reply(0)), readToEnd(socks));
    }
    assertNull(client.end(), "the session goes on");
  }

  private Channel nextForward() throws InterruptedException {
    Channel channel = host.session().acceptChannel(DEADLINE);
    assertTrue(channel != null && channel.label().equals(TerminalChannels.FORWARD), "a forward channel: " + channel);
    return channel;
  }

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout((int) DEADLINE.toMillis());
    return socket;
  }

  /** What the proxy sends until it closes; a reset counts as the close. */
  private static byte[] readToEnd(Socket socket) throws IOException {
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    try {
      for (int b; (b = in.read()) >= 0; ) {
        read.write(b);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("still open after " + DEADLINE + "; read " + Arrays.toString(read.toByteArray()), e);
    } catch (IOException reset) {
      // closed
    }
    return read.toByteArray();
  }

  /** A CONNECT request: address type, the address bytes as sent, port. */
  private static byte[] connect(int addressType, byte[] address, int port) {
    return concat(bytes(5, 1, 0, addressType), address, bytes(port >> 8, port & 0xFF));
  }

  private static byte[] reply(int code) {
    return bytes(5, code, 0, 1, 0, 0, 0, 0, 0, 0);
  }

  private static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      joined.writeBytes(part);
    }
    return joined.toByteArray();
  }
}
