package et.bench;

import et.core.Channel;
import et.core.EternalClient;
import et.core.Session;
import et.core.SessionCredentials;
import et.core.SessionOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The client side of the idle-heap benchmark, run as a child process so that the server's heap is
 * measured alone. Arguments: {@code <port> [--channel]}. Commands, one a line on stdin (stdin, so
 * the secrets never show on a command line):
 *
 * <ul>
 *   <li>{@code SESSION <id> <secret>}: connects to that session (and opens one channel with
 *       {@code --channel}) and keeps it idle
 *   <li>{@code SYNC}: waits until every session is connected, then answers on stdout
 *       {@code READY <sessions> <used heap bytes after GC>}
 *   <li>{@code EXIT} or end of input: exits
 * </ul>
 *
 * Any failure is answered with {@code FAILED <reason>} and exit status 1.
 */
public final class IdleClients {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(120);

  private IdleClients() {}

  public static void main(String[] args) throws Exception {
    InetSocketAddress server =
        new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0]));
    boolean openChannel = args.length > 1 && args[1].equals("--channel");
    SessionOptions options = SessionOptions.defaults();
    List<Session> sessions = new ArrayList<>();
    List<Channel> channels = new ArrayList<>(); // held so the channels stay open
    var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try {
      for (String line; (line = in.readLine()) != null; ) {
        String[] words = line.split(" ");
        switch (words[0]) {
          case "SESSION" -> {
            Session session =
                EternalClient.connect(server, SessionCredentials.decode(words[1], words[2]), options);
            sessions.add(session);
            if (openChannel) {
              channels.add(session.openChannel("idle"));
            }
          }
          case "SYNC" -> {
            SessionStates.awaitAllConnected(sessions, CONNECT_TIMEOUT);
            System.out.println("READY " + sessions.size() + " " + HeapMeter.usedAfterGc());
            System.out.flush();
          }
          case "EXIT" -> System.exit(0);
          default -> throw new IllegalArgumentException("unknown command " + words[0]);
        }
      }
    } catch (Exception e) {
      System.out.println("FAILED " + e);
      System.out.flush();
      System.exit(1);
    }
    System.exit(0);
  }
}
