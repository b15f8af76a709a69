package et.client;

import et.client.cli.ClientOptions;
import et.client.cli.HostAction;
import et.client.cli.LogSettings;
import et.client.cli.SessionRunner;
import et.client.thin.ThinClient;
import et.core.task.Deadline;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.tinylog.Logger;

/**
 * One et the user typed, served by the agent ({@link AgentMain}): reads its {@link AgentRequest},
 * runs the command line as the whole client would ({@link Main#run}, {@link RemoteSession}) on the
 * handed-over terminal ({@link HandedOverTerminal}), passes on the signals the user's et reports,
 * and answers with the exit status, or with "run the whole client yourself" when the run cannot be
 * served here ({@link #needsOwnProcess}, {@link NeedsWholeClient}) and nothing of it happened.
 *
 * <p>Signals, one byte each from the user's et: W (window changed); C (continued after a stop, in
 * the foreground: raw mode again, and the end of a {@code ~^Z}); I, T, H (SIGINT, SIGTERM, SIGHUP)
 * and the connection's end hang up: the session ends as the whole client's does on those signals,
 * the terminal is restored, and the status is 128 + the signal's number. {@code ~^Z} sends the
 * user's et S (stop yourself) while the session runs.
 */
final class AgentRun {
  /** How long the user's et may take to send its request. */
  static final Duration REQUEST_DEADLINE = Duration.ofSeconds(10);

  private final SocketChannel connection;
  private final AgentKeepers keepers;
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile HandedOverTerminal side; // null until the request is read
  private volatile Thread runner;
  /** Set once, by whichever comes first: the run's end, or a hang-up (which sets its status first). */
  private final AtomicBoolean over = new AtomicBoolean();
  /** 128 + the signal's number once hung up; 0 before. */
  private volatile int hangUpStatus;

  AgentRun(SocketChannel connection, AgentKeepers keepers) {
    this.connection = connection;
    this.keepers = keepers;
  }

  /** Why {@code options} need an et process of their own, or empty when the agent can run them. */
  static Optional<String> needsOwnProcess(ClientOptions options) {
    if (!(options.action() instanceof HostAction.NewSession)) {
      return Optional.of("--list and --kill run in the whole client");
    }
    if (options.noTerminal()) {
      return Optional.of("-N waits for signals of its own");
    }
    if (options.route().viaSsh() || !options.route().jumps().isEmpty()) {
      return Optional.of("--via-ssh and -J run ssh on every reconnect");
    }
    if (!options.logging().equals(LogSettings.QUIET)) {
      return Optional.of("-v and --log-file set up a log of their own");
    }
    return Optional.empty();
  }

  /** Serves the connection: request, run, reply. */
  void serve() throws IOException, InterruptedException {
    try {
      serveRequest();
    } finally {
      ended.countDown();
    }
  }

  /** Hangs up as on SIGTERM (the agent is stopping) and waits at most {@code limit} for the reply to go out. */
  void stop(Duration limit) throws InterruptedException {
    hangUp(128 + 15);
    ended.await(limit.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void serveRequest() throws IOException, InterruptedException {
    runner = Thread.currentThread();
    InputStream in = new BufferedInputStream(Channels.newInputStream(connection));
    AgentRequest request;
    try (Deadline limit = Deadline.closeAfter(connection, REQUEST_DEADLINE)) {
      request = AgentRequest.read(new DataInputStream(in));
    } catch (IOException e) {
      Logger.warn("et agent: refused a request: {}", e.getMessage());
      return;
    }
    DataOutputStream reply = new DataOutputStream(Channels.newOutputStream(connection));
    HandedOverTerminal side;
    try {
      side = HandedOverTerminal.open(request, keepers);
      this.side = side;
    } catch (IOException e) {
      Logger.warn("et agent: cannot use the terminal: {}", e.getMessage());
      reply.writeByte(ThinClient.FALL_BACK);
      return;
    }
    Logger.info("et agent: an et on {}", request.terminal());
    reply.writeByte(ThinClient.RUNNING);
    side.onSuspend(() -> {
      try {
        replyByte(reply, ThinClient.STOP);
      } catch (IOException e) {
        hangUp(128 + 1); // the user's et is gone: nobody will continue the session
      }
    });
    try (side) {
      Thread.ofVirtual().name("et agent signals").start(() -> passOnSignals(in));
      AtomicReference<NeedsWholeClient> whole = new AtomicReference<>();
      int status = run(request, side, whole);
      over.set(true);
      Thread.interrupted(); // a hang-up's interrupt was for the run, not for the reply
      if (whole.get() != null) {
        Logger.info("et agent: the whole client runs instead: {}", whole.get().getMessage());
        reply.writeByte(ThinClient.FALL_BACK);
      } else {
        synchronized (reply) {
          reply.writeByte(ThinClient.EXITED);
          reply.writeInt(hangUpStatus != 0 ? hangUpStatus : status);
        }
      }
    }
  }

  private int run(AgentRequest request, HandedOverTerminal side, AtomicReference<NeedsWholeClient> whole) {
    OutputStream terminal = side.streams().stderr();
    PrintWriter out = new PrintWriter(new OutputStreamWriter(unlessHungUp(terminal), StandardCharsets.UTF_8), true);
    SessionRunner sessions = (options, stdout, stderr) -> {
      Optional<String> why = needsOwnProcess(options);
      try {
        if (why.isPresent()) {
          throw new NeedsWholeClient(why.get());
        }
        return new RemoteSession(side).run(options, stdout, stderr);
      } catch (NeedsWholeClient e) {
        whole.set(e);
        return 0;
      }
    };
    return Main.run(request.args().toArray(String[]::new), out, out, sessions);
  }

  /** One byte to the user's et, between the run's other replies. */
  private static void replyByte(DataOutputStream reply, byte value) throws IOException {
    synchronized (reply) {
      reply.writeByte(value);
    }
  }

  /** Reads the user's et's signal bytes until it goes away or hangs up. */
  private void passOnSignals(InputStream in) {
    int signal;
    do {
      try {
        signal = in.read();
      } catch (IOException e) {
        signal = -1;
      }
      switch (signal) {
        case 'W' -> side.windowChanged();
        case 'C' -> side.continued();
        default -> { } // a hang-up, below
      }
    } while (signal == 'W' || signal == 'C');
    hangUp(128 + switch (signal) {
      case 'I' -> 2;
      case 'T' -> 15;
      default -> 1; // H, or the user's et went away: its terminal is gone
    });
  }

  /** Ends the run with {@code status} unless it ended already: its session, its terminal restored. */
  private void hangUp(int status) {
    HandedOverTerminal running = side;
    if (running == null || !over.compareAndSet(false, true)) {
      return;
    }
    hangUpStatus = status;
    running.hangUp();
    runner.interrupt();
  }

  /** Nothing more reaches the terminal once the user's et hung up (the run's last words would land on a shell prompt). */
  private OutputStream unlessHungUp(OutputStream terminal) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        if (hangUpStatus == 0) {
          terminal.write(bytes, offset, length);
        }
      }

      @Override
      public void flush() throws IOException {
        terminal.flush();
      }
    };
  }
}
