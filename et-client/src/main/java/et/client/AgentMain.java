package et.client;

import et.core.task.TaskGroup;
import et.terminal.PrivateDirectory;
import et.terminal.PrivateSocketServer;
import et.terminal.ProcessLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.tinylog.Logger;

/**
 * The et agent ({@code launcher/et-agent}): a per-user JVM, warmed up once, that runs the sessions
 * of the ets the user types on terminals ({@link AgentRun}), so that each of those starts as a
 * small program ({@link et.client.thin.ThinClient}) instead of a whole client JVM. Serves on a unix
 * socket (0600, in a private directory) processes of its own user only; one agent per socket (a
 * lock beside it); logs to {@code agent.log} beside it ({@link ClientLogging#configureAgent}). Runs until stopped (SIGTERM); the sessions
 * it runs then end as on SIGHUP.
 *
 * <p>Usage: {@code et.client.AgentMain SOCKET} (the launcher computes the socket's path).
 */
public final class AgentMain {
  /** The terminals served at once; further ets run the whole client. */
  static final int MAX_TERMINALS = 256;
  /** How long stopping waits for each running session to tell its et. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(2);

  private AgentMain() {
  }

  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: et-agent (the launcher names the socket)");
      System.exit(2);
    }
    try {
      System.exit(serve(Path.of(args[0]).toAbsolutePath()));
    } catch (IOException e) {
      System.err.println("et-agent: " + e.getMessage());
      System.exit(1);
    }
  }

  private static int serve(Path socket) throws IOException {
    Path directory = PrivateDirectory.ensure(socket.getParent());
    ClientLogging.configureAgent(directory);
    Optional<ProcessLock> lock = ProcessLock.tryAcquire(ProcessLock.besideSocket(socket));
    if (lock.isEmpty()) {
      System.err.println("et-agent: an et agent already serves " + socket);
      return 0;
    }
    // Before the socket exists: until it does, ets run the whole client, rather than wait for this.
    ClientWarmup.forAgent();
    PrivateSocketServer server = PrivateSocketServer.bind(socket, "et agent", AgentRun.REQUEST_DEADLINE, MAX_TERMINALS);
    Set<AgentRun> runs = ConcurrentHashMap.newKeySet();
    AgentKeepers keepers = new AgentKeepers();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server, socket, runs, keepers), "et agent end"));
    Logger.info("et agent {} serving on {}", ProcessHandle.current().pid(), socket);
    System.err.println("et-agent: serving on " + socket);
    TaskGroup tasks = TaskGroup.startRoot("et-agent");
    server.acceptConnections(tasks, "terminal", connection -> {
      AgentRun run = new AgentRun(connection, keepers);
      runs.add(run);
      try {
        run.serve();
      } finally {
        runs.remove(run);
      }
    });
    return 0;
  }

  /**
   * No more ets; the running ones end as on SIGTERM, their terminals restored and their ets told;
   * the keepers' sessions end.
   */
  private static void stop(PrivateSocketServer server, Path socket, Set<AgentRun> runs, AgentKeepers keepers) {
    server.close();
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      // a stale socket is replaced by the next agent
    }
    try {
      for (AgentRun run : runs) {
        run.stop(STOP_WAIT);
      }
      keepers.closeAll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
