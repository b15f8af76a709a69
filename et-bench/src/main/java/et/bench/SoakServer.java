package et.bench;

import et.core.Channel;
import et.core.EternalServer;
import et.core.Session;
import et.core.SessionCredentials;
import et.core.SessionOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The server side of the soak benchmark, run as a child process ({@link SoakServerProcess}) so that
 * its memory, threads and file descriptors are its own. It starts an {@link EternalServer} with
 * default options on 127.0.0.1, prints {@code PORT <port>}, and echoes every channel any of its
 * sessions accepts, byte for byte, until the client shuts its output. Commands, one a line on
 * stdin:
 *
 * <ul>
 *   <li>{@code NEW}: makes a session and answers {@code SESSION <id> <secret>} (over the stdout
 *       pipe, never a command line)
 *   <li>{@code COUNT}: answers {@code SESSIONS <sessions alive>}
 *   <li>{@code HEAP}: collects garbage and answers {@code HEAP <used heap bytes after GC>}
 *   <li>{@code EXIT} or end of input: exits
 * </ul>
 */
public final class SoakServer {
  /** How long one wait for a channel lasts before the echo loop checks whether its session ended. */
  private static final Duration ACCEPT_WAIT = Duration.ofSeconds(30);

  private SoakServer() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (EternalServer server =
        EternalServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), SessionOptions.defaults())) {
      out.println("PORT " + server.port());
      out.flush();
      for (String line; (line = in.readLine()) != null && !line.equals("EXIT"); ) {
        switch (line) {
          case "NEW" -> {
            Session session = server.newSession();
            Thread.ofVirtual().name(session + " echo-accept").start(() -> echoChannels(session));
            SessionCredentials credentials = session.credentials();
            out.println("SESSION " + credentials.id() + " " + credentials.encodedSecret());
          }
          case "COUNT" -> out.println("SESSIONS " + server.sessionCount());
          case "HEAP" -> out.println("HEAP " + HeapMeter.usedAfterGc());
          default -> throw new IllegalArgumentException("unknown command " + line);
        }
        out.flush();
      }
    }
    System.exit(0);
  }

  /** Echoes each channel the session accepts on a thread of its own, until the session ends. */
  private static void echoChannels(Session session) {
    try {
      while (session.end() == null) {
        Channel channel = session.acceptChannel(ACCEPT_WAIT);
        if (channel != null) {
          Thread.ofVirtual().name(session + " echo " + channel.id()).start(() -> echo(channel));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Writes back everything read, then shuts the output: the client reads exactly what it sent. */
  private static void echo(Channel channel) {
    try (channel) {
      channel.input().transferTo(channel.output());
      channel.shutdownOutput();
      channel.whenClosedByPeer().join();
    } catch (IOException e) {
      // the session ended under the echo: the client's check will say what arrived
    }
  }
}
