package et.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.sun.net.httpserver.HttpServer;
import et.testkit.CommandResult;
import et.testkit.Commands;
import et.testkit.SshServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code et -N -D PORT} end to end (real sshd, launchers, session host) with curl as the SOCKS5
 * client and a small HTTP server as the destination: a name resolved by the host and an IPv4
 * literal both reach it; a destination nobody listens on fails that request only, and the next one
 * goes through the same proxy and session.
 */
@EnabledOnOs(OS.LINUX)
class SocksE2ETest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String BODY = "hello through the proxy\n";

  @TempDir static Path base;
  private static RemoteHost host;
  private static HttpServer web;

  @BeforeAll
  static void start() throws Exception {
    host = RemoteHost.start(base);
    web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    web.createContext("/", exchange -> {
      byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (var out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    web.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (web != null) {
      web.stop(0);
    }
    if (host != null) {
      host.close();
    }
  }

  @Test
  void curlReachesANameAndAnAddressThroughTheSessionAndARefusedDestinationFailsAlone() throws Exception {
    int proxy = SshServer.freePort();
    int webPort = web.getAddress().getPort();
    try (EtProcess et = EtProcess.start(host.etCommand("-N", "-D", "" + proxy))) {
      try (Socket probe = et.connectWhenListening(proxy, DEADLINE)) {
        // listening: the probe's silent connection is the proxy's to close
      }
      CommandResult byName = curl("--socks5-hostname", proxy, "http://localhost:" + webPort + "/");
      assertEquals(0, byName.status(), byName + "\net: " + et.stderr());
      assertEquals(BODY, byName.stdout());

      CommandResult byAddress = curl("--socks5", proxy, "http://127.0.0.1:" + webPort + "/");
      assertEquals(0, byAddress.status(), byAddress + "\net: " + et.stderr());
      assertEquals(BODY, byAddress.stdout());

      CommandResult refused = curl("--socks5-hostname", proxy, "http://localhost:" + SshServer.freePort() + "/");
      assertNotEquals(0, refused.status(), refused.toString());

      CommandResult after = curl("--socks5-hostname", proxy, "http://localhost:" + webPort + "/");
      assertEquals(0, after.status(), after + "\net: " + et.stderr());
      assertEquals(BODY, after.stdout());

      et.terminate();
      assertEquals(128 + 15, et.awaitExit(DEADLINE), et.stderr());
    }
  }

  /** curl through the SOCKS5 proxy on {@code proxyPort} with {@code mode} (who resolves names). */
  private static CommandResult curl(String mode, int proxyPort, String url) {
    return Commands.run(List.of("curl", "--silent", "--show-error", "--max-time", "" + DEADLINE.toSeconds(),
        mode, "127.0.0.1:" + proxyPort, url), DEADLINE.plusSeconds(10));
  }
}
