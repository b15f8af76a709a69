package et.bench;

import et.core.ConnectionThreads;
import et.core.EternalServer;
import et.core.SessionCredentials;
import et.core.SessionOptions;
import et.core.relay.Relay;
import et.core.relay.RelayGrants;
import et.core.relay.RelayPolicy;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The relay of the relay benchmark, run as a child process ({@link RelayServerProcess}) so that
 * the CPU it spends splicing is measured apart from the client and the server: an {@link
 * EternalServer} with a {@link Relay} and no sessions, as a jump host's session host runs it, on
 * 127.0.0.1. Prints {@code PORT <port>}, then answers commands, one a line on stdin:
 *
 * <ul>
 *   <li>{@code GRANT <host>}: makes a relay grant to {@code host} and answers {@code GRANT <id>
 *       <secret>} (over the stdout pipe, never a command line)
 *   <li>{@code EXIT} or end of input: exits
 * </ul>
 */
public final class RelayServer {
  private RelayServer() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    RelayGrants grants = new RelayGrants();
    Relay relay = new Relay(grants, RelayPolicy.GRANT_ONLY, new Relay.Busy() {
      @Override
      public boolean enter() {
        return true;
      }

      @Override
      public void leave() {}
    });
    SessionOptions options = SessionOptions.defaults().withConnectionThreads(ConnectionThreads.PLATFORM);
    try (EternalServer server =
        EternalServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), options, null, relay)) {
      out.println("PORT " + server.port());
      out.flush();
      for (String line; (line = in.readLine()) != null && !line.equals("EXIT"); ) {
        if (!line.startsWith("GRANT ")) {
          throw new IllegalArgumentException("unknown command " + line);
        }
        SessionCredentials credentials = grants.create(line.substring("GRANT ".length())).credentials();
        out.println("GRANT " + credentials.id() + " " + credentials.encodedSecret());
        out.flush();
      }
    }
    System.exit(0);
  }
}
