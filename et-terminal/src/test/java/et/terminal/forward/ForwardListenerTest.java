package et.terminal.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.EternalClient;
import et.core.EternalServer;
import et.core.Session;
import et.core.SessionOptions;
import et.terminal.ChannelDispatcher;
import et.testkit.Await;
import et.testkit.EchoServer;
import et.testkit.SshServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listeners whose connections go through a real session to the other end's {@link ForwardService}
 * (a "probe" label whose rule sends everything to one echo target, or refuses): bytes both ways,
 * a refusal resetting the local connection, unix sockets made private, the listener closed with
 * the session.
 */
class ForwardListenerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final SessionOptions OPTIONS = SessionOptions.defaults();
  private static final String LABEL = "probe";

  @TempDir Path dir;

  private EternalServer server;
  private Session serverSide;
  private Session client;
  private EchoServer echo;
  private final List<String> refusals = new CopyOnWriteArrayList<>();

  @BeforeEach
  void connect() throws IOException {
    echo = EchoServer.start();
    Endpoint echoAt = new Endpoint.Tcp("127.0.0.1", echo.port());
    server = EternalServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), OPTIONS);
    serverSide = server.newSession();
    ForwardService toEcho = new ForwardService(serverSide, request -> {
      if (request instanceof Endpoint.Tcp tcp && tcp.port() == 1) {
        throw new ForwardRefusedException("port 1 is not for you");
      }
      return echoAt;
    });
    serverSide.tasks().fork("channels", new ChannelDispatcher(serverSide, Map.of(LABEL, toEcho))::run);
    client = EternalClient.connect(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), serverSide.credentials(), OPTIONS);
  }

  @AfterEach
  void close() throws IOException {
    client.close();
    server.close();
    echo.close();
  }

  @Test
  void aTcpListenersConnectionsReachTheTargetTheOtherEndChose() throws Exception {
    Endpoint at = new Endpoint.Tcp("127.0.0.1", SshServer.freePort());
    serve(ForwardListener.bind(at), new Endpoint.Tcp("anything", 80));
    for (int i = 0; i < 3; i++) {
      try (Socket local = new Socket()) {
        local.connect(at.address());
        local.getOutputStream().write(("hello " + i).getBytes(StandardCharsets.US_ASCII));
        local.shutdownOutput();
        assertEquals("hello " + i, new String(local.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
      }
    }
  }

  @Test
  void aRefusalResetsTheLocalConnectionAndIsReported() throws Exception {
    Endpoint at = new Endpoint.Tcp("127.0.0.1", SshServer.freePort());
    serve(ForwardListener.bind(at), new Endpoint.Tcp("anything", 1));
    try (Socket local = new Socket()) {
      local.connect(at.address());
      InputStream in = local.getInputStream();
      SocketException reset = assertThrows(SocketException.class, in::read);
      assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
    }
    assertEquals(List.of("port 1 is not for you"), refusals);
    assertEquals(null, client.end(), "the session goes on");
  }

  @Test
  void aUnixListenerIsPrivateRefusesAFileInTheWayAndGoesWithTheSession() throws Exception {
    Path path = dir.resolve("tunnel.sock");
    serve(ForwardListener.bind(new Endpoint.Unix(path.toString())), new Endpoint.Tcp("anything", 80));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(path), files.toList(), "nothing but the socket is left beside it");
    }
    try (SocketChannel local = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      local.connect(UnixDomainSocketAddress.of(path));
      Channels.newOutputStream(local).write("over unix".getBytes(StandardCharsets.US_ASCII));
      local.shutdownOutput();
      assertEquals("over unix", new String(Channels.newInputStream(local).readAllBytes(), StandardCharsets.US_ASCII));
    }
    IOException inTheWay = assertThrows(IOException.class, () -> ForwardListener.bind(new Endpoint.Unix(path.toString())));
    assertTrue(inTheWay.getMessage().contains("in the way"), inTheWay.getMessage());

    client.close();
    Await.until("the socket file is removed with the session", TIMEOUT, () -> !Files.exists(path));
  }

  private void serve(ForwardListener listener, Endpoint request) {
    assertTrue(listener.serve(client, "test-listen", connection ->
        ForwardChannels.forward(client, LABEL, request, connection, refusals::add)));
  }
}
