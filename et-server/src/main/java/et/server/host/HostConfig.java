package et.server.host;

import et.core.ConnectionThreads;
import et.core.SessionOptions;
import et.server.request.HostPaths;
import et.server.session.AcceptedEnvironment;
import et.server.session.ForwardPolicy;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link SessionHost} runs.
 *
 * @param paths where its socket, lock and the users' home are
 * @param bind the address to listen on for clients; empty for all addresses
 * @param port the first TCP port to try; 0 for any free one
 * @param idleExit the host exits after having had no session this long
 * @param clientWait how long a new session waits for its client to open the terminal's channels
 * @param sessionOptions the et.core options of every session
 * @param forwarding what the sessions' forwards and reverse tunnels may do
 * @param relaying where the host relays its user's clients (et -J)
 */
public record HostConfig(
    HostPaths paths,
    Optional<InetAddress> bind,
    int port,
    Duration idleExit,
    Duration clientWait,
    SessionOptions sessionOptions,
    ForwardPolicy forwarding,
    RelayPermits relaying,
    AcceptedEnvironment acceptEnv) {
  public static final Duration DEFAULT_IDLE_EXIT = Duration.ofMinutes(10);
  /** Generous: ssh must hand the answer back and the client dial the port before it opens channels. */
  public static final Duration DEFAULT_CLIENT_WAIT = Duration.ofMinutes(2);
  /** Ports tried upward from the configured one when it is taken. */
  public static final int PORT_ATTEMPTS = 100;
  /** A host holds one user's few terminals, where each keystroke's latency counts. */
  public static final SessionOptions SESSION_OPTIONS =
      SessionOptions.defaults().withConnectionThreads(ConnectionThreads.PLATFORM);

  public HostConfig {
    Objects.requireNonNull(paths, "paths");
    Objects.requireNonNull(bind, "bind");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535: " + port);
    }
    if (idleExit.isNegative() || clientWait.isNegative() || clientWait.isZero()) {
      throw new IllegalArgumentException("idleExit and clientWait must be positive");
    }
    Objects.requireNonNull(sessionOptions, "sessionOptions");
    Objects.requireNonNull(forwarding, "forwarding");
    Objects.requireNonNull(relaying, "relaying");
    Objects.requireNonNull(acceptEnv, "acceptEnv");
  }

  /** The configuration a host started as a command gets: server.conf's port and bind, defaults otherwise. */
  public static HostConfig of(HostPaths paths, ServerConf conf) {
    return new HostConfig(
        paths,
        conf.bind(),
        conf.port(),
        DEFAULT_IDLE_EXIT,
        DEFAULT_CLIENT_WAIT,
        SESSION_OPTIONS,
        conf.forwarding(),
        conf.relaying(),
        conf.acceptEnv());
  }

  public HostConfig withPort(int port) {
    return new HostConfig(paths, bind, port, idleExit, clientWait, sessionOptions, forwarding, relaying, acceptEnv);
  }

  public HostConfig withIdleExit(Duration idleExit) {
    return new HostConfig(paths, bind, port, idleExit, clientWait, sessionOptions, forwarding, relaying, acceptEnv);
  }

  public HostConfig withClientWait(Duration clientWait) {
    return new HostConfig(paths, bind, port, idleExit, clientWait, sessionOptions, forwarding, relaying, acceptEnv);
  }

  public HostConfig withBind(InetAddress address) {
    return new HostConfig(paths, Optional.of(address), port, idleExit, clientWait, sessionOptions, forwarding, relaying, acceptEnv);
  }
}
