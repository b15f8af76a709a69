package et.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Compiles and runs the README's et.core example, and checks the README shows it verbatim. */
class ReadmeExampleTest {
  @Test
  void exampleRuns() throws Exception {
    assertEquals("HELLO, ETERNAL TCP", example());
  }

  @Test
  void readmeShowsTheExampleVerbatim() throws IOException {
    String source = Files.readString(Path.of("src/test/java/et/core/ReadmeExampleTest.java"));
    String start = "\n    // example:start\n";
    String end = "\n    // example:end\n";
    String snippet =
        source.substring(source.indexOf(start) + start.length(), source.indexOf(end))
            .stripIndent()
            .strip();
    String readme = Files.readString(Path.of("../README.md"));
    assertTrue(readme.contains(snippet), "README.md must contain the example:\n" + snippet);
  }

  private static String example() throws Exception {
    // example:start
    var options = SessionOptions.defaults();
    var loopback = InetAddress.getLoopbackAddress();
    try (EternalServer server = EternalServer.start(new InetSocketAddress(loopback, 0), options)) {
      Session serverSession = server.newSession(); // hand its credentials to the client
      SessionCredentials credentials = serverSession.credentials();

      Session client =
          EternalClient.connect(new InetSocketAddress(loopback, server.port()), credentials, options);
      Channel toServer = client.openChannel("shout");
      toServer.output().write("hello, eternal tcp".getBytes(StandardCharsets.UTF_8));
      toServer.shutdownOutput();

      Channel atServer = serverSession.acceptChannel(Duration.ofSeconds(5));
      String received = new String(atServer.input().readAllBytes(), StandardCharsets.UTF_8);
      atServer.output().write(received.toUpperCase().getBytes(StandardCharsets.UTF_8));
      atServer.shutdownOutput();

      String answer = new String(toServer.input().readAllBytes(), StandardCharsets.UTF_8);
      client.close(); // orderly: the server learns status 0 once everything is delivered
      return answer;
    }
    // example:end
  }
}
