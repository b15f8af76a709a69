package et.client;

import et.core.EternalClient;
import et.core.Session;
import et.core.SessionOptions;
import et.core.SessionState;
import et.core.task.TaskGroup;
import et.core.transport.Transport;
import et.terminal.BootstrapException;
import et.terminal.BootstrapReply;
import et.terminal.BootstrapRequest;
import et.terminal.ReplyScanner;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.tinylog.Logger;

/**
 * The agent's ControlPersist: for each destination it runs a session to, a session of its own
 * with no program (as {@code et -N} has), offered on that destination's share socket ({@link
 * ShareServer}) until {@link #PERSIST} after the last et there started or ended, so that later ets
 * to the host, the agent's and others, get their sessions through it instead of an ssh login.
 *
 * <p>The agent's runs do not offer their own sessions; the keeper does, from the moment it is
 * connected. It is asked for over the first run's session (a host request: no ssh), and its host
 * shows it in {@code et --list} as a tunnels-only session. Nothing reaches it that could not reach
 * the runs' own sessions: the share socket's rules hold (docs/TERMINAL.md, "Session sharing").
 */
final class AgentKeepers {
  /** How long a keeper outlives the last et to its host. */
  static final Duration PERSIST = Duration.ofMinutes(10);
  private static final int SHOWN_CHARS = 200;

  private final Map<Path, Keeper> keepers = new ConcurrentHashMap<>();

  /**
   * A run's session {@code through}, whose destination's share socket is {@code socket}, is
   * connected: the keeper for {@code socket} stays another {@link #PERSIST}; if there is none, or
   * it lost its connection (the host restarted, say), a new one is asked for over {@code through}
   * now (a round trip: before the run's program starts, so a short program cannot end the session
   * first) and connected with {@code transport} in the background.
   */
  void used(Path socket, Session through, Transport transport, SessionOptions options) {
    Keeper started;
    Keeper lost;
    synchronized (this) {
      Keeper keeper = keepers.get(socket);
      if (keeper != null && keeper.touch() && !keeper.lost()) {
        return;
      }
      lost = keeper;
      started = new Keeper(socket);
      keepers.put(socket, started);
    }
    if (lost != null) {
      // The run reached the host while the keeper could not (the host restarted and lost its
      // session, or the keeper's connection is down): its share socket goes to the new keeper.
      lost.abandon("replaced: its connection to the host is lost");
    }
    BootstrapReply.Session granted;
    try {
      granted = ask(through);
    } catch (IOException | BootstrapException e) {
      Logger.info("et agent: no keeper for {}: {}", socket, e.getMessage());
      keepers.remove(socket, started);
      return;
    }
    Thread.ofVirtual().name("et agent keeper " + socket.getFileName())
        .start(() -> started.run(granted, transport, options));
  }

  /** A session with no program from the host of {@code through}, asked for over a host-request channel. */
  private static BootstrapReply.Session ask(Session through) throws IOException, BootstrapException {
    BootstrapRequest request = BootstrapRequest.create(
        Bootstrap.FALLBACK_TERM, 80, 24, Optional.empty(), false, new TreeMap<>(), true, false);
    String line = ShareServer.askHost(through, request);
    Optional<BootstrapReply> reply = new ReplyScanner(request.nonce())
        .scan(new ByteArrayInputStream((line + "\n").getBytes(StandardCharsets.UTF_8)));
    if (reply.isPresent() && reply.get() instanceof BootstrapReply.Session session) {
      return session;
    }
    throw new IOException(reply.isPresent() && reply.get() instanceof BootstrapReply.Error error
        ? "the host answered: " + Printable.escape(error.reason(), SHOWN_CHARS) : "the host gave no session");
  }

  /** A run's session to the destination of {@code socket} ended: its keeper, if any, stays another {@link #PERSIST}. */
  void touch(Path socket) {
    Keeper keeper = keepers.get(socket);
    if (keeper != null) {
      keeper.touch();
    }
  }

  /** Ends every keeper's session, waiting a moment for each host to hear of it (the agent is stopping). */
  void closeAll() throws InterruptedException {
    for (Keeper keeper : keepers.values()) {
      keeper.close("the et agent stopped");
    }
  }

  /** One destination's keeper: its session once connected, and when it was last used. */
  private final class Keeper {
    private final Path socket;
    private volatile long lastUsedNanos = System.nanoTime();
    private volatile Session session; // null until connected
    private volatile boolean over;

    Keeper(Path socket) {
      this.socket = socket;
    }

    /** Marks a use; false once this keeper is over (a new one is needed). */
    boolean touch() {
      lastUsedNanos = System.nanoTime();
      return !over;
    }

    /** Whether its session was connected and is not now. */
    boolean lost() {
      Session kept = session;
      return kept != null && kept.state() != SessionState.CONNECTED;
    }

    void run(BootstrapReply.Session granted, Transport transport, SessionOptions options) {
      TaskGroup tasks = TaskGroup.startRoot("et-agent keeper");
      try {
        Session kept = EternalClient.connect(transport, granted.credentials(), options, tasks);
        session = kept;
        ShareServer.start(kept, socket, line -> Logger.info("keeper: {}", line));
        Logger.info("et agent: keeping a session to offer on {}", socket);
        awaitExpiry(kept);
      } catch (IOException e) {
        Logger.info("et agent: no keeper for {}: {}", socket, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        over = true;
        keepers.remove(socket, this);
        tasks.cancel();
      }
    }

    /** Returns when the session ended, or closes it once {@link #PERSIST} passed since the last use. */
    private void awaitExpiry(Session kept) throws InterruptedException {
      while (true) {
        long left = lastUsedNanos + PERSIST.toNanos() - System.nanoTime();
        if (left <= 0) {
          close("the et agent keeps no session to this host any more");
          return;
        }
        try {
          kept.whenEnded().get(left, TimeUnit.NANOSECONDS);
          return;
        } catch (TimeoutException stillOn) {
          // look at the last use again
        } catch (ExecutionException failed) {
          return;
        }
      }
    }

    /** Ends the session, if connected, and waits a moment for its host to acknowledge. */
    void close(String why) throws InterruptedException {
      over = true;
      Session kept = session;
      if (kept != null) {
        try {
          kept.close(0, why);
          kept.awaitEnd(TerminalClient.CLOSE_WAIT);
        } catch (IOException e) {
          // the host ends it after its disconnect limit
        }
      }
    }

    /** Ends the session at once, its host out of reach (its share socket is let go). */
    void abandon(String why) {
      over = true;
      Session kept = session;
      if (kept != null) {
        kept.terminate(why);
      }
    }
  }
}
