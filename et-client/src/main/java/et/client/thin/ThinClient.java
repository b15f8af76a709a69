package et.client.thin;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import sun.misc.Signal;

/**
 * The small program {@code launcher/et} runs instead of the whole client while the user's et agent
 * runs ({@code et-agent}, {@link et.client.AgentMain}) and et is on a terminal: it hands the
 * terminal (by its device path), the command line, the environment and the working directory to
 * the agent, which runs the session there on an already warm JVM, then passes on the signals the
 * terminal sends it (window changes, a continue after a stop, and Ctrl-C, hang-up or termination
 * while the agent's ssh logs in) and exits with the status the agent reports. Wire format:
 * docs/TERMINAL.md, "The et agent". In the background ({@code et host &}) it runs the whole client
 * instead, which the shell stops until {@code fg}, as any terminal program there.
 *
 * <p>Where the agent cannot serve (it is gone, it refuses, or it answers that ssh needs the
 * terminal to ask something), this runs the whole client instead, as a child on the same terminal
 * ({@code ET_NO_AGENT=1}), and exits with its status.
 *
 * <p>Only java.base and sun.misc.Signal: the JVM loads nothing else of et for this, which keeps
 * its start short and small.
 */
public final class ThinClient {
  /** The request's first four bytes: "ETA2". */
  static final int MAGIC = 0x45544132;
  /**
   * The agent's replies: it runs the session (before anything shows on the terminal); the session's
   * exit status follows; or: run the whole client instead (nothing happened).
   */
  public static final byte RUNNING = 'R';
  public static final byte EXITED = 'X';
  public static final byte FALL_BACK = 'F';
  /** While the session runs: {@code ~^Z} was typed, stop yourself (the agent waits for the continue). */
  public static final byte STOP = 'S';
  /** How often a thin client continued in the background looks whether fg brought it to the front. */
  private static final long BACKGROUND_POLL_MILLIS = 100;
  /** What {@link #runThroughAgent} returns when the whole client must run: no exit status is negative. */
  private static final int RUN_WHOLE_CLIENT = -1;

  /** Not SIGQUIT: the JVM keeps it for its thread dump (which -Xrs would give up only with the others). */
  private static final String[] FORWARDED_SIGNALS = {"WINCH", "INT", "TERM", "HUP"};

  private ThinClient() {
  }

  public static void main(String[] args) {
    int status;
    try {
      Optional<Path> terminal = sharedTerminal();
      // In the background (et host &), the agent would read keys meant for the shell: the whole
      // client, like any terminal program there, is stopped until fg instead.
      status = terminal.isEmpty() || !Foreground.isThisProcess() ? RUN_WHOLE_CLIENT
          : runThroughAgent(Path.of(System.getProperty("et.agent.socket")), terminal.get(), args);
    } catch (IOException e) {
      status = RUN_WHOLE_CLIENT; // no agent to talk to after all, or it went away before it ran anything
    }
    if (status == RUN_WHOLE_CLIENT) {
      status = runWholeClient(args);
    }
    Runtime.getRuntime().halt(status); // nothing to clean up: the agent did the work
  }

  /**
   * Hands {@code terminal} and {@code args} to the agent on {@code socket}: the session's exit
   * status as the agent reports it, or {@link #RUN_WHOLE_CLIENT}.
   */
  static int runThroughAgent(Path socket, Path terminal, String[] args) throws IOException {
    try (SocketChannel agent = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(agent)));
      writeRequest(out, terminal, args);
      out.flush();
      for (String name : FORWARDED_SIGNALS) {
        Signal.handle(new Signal(name), signal -> tell(out, signal));
      }
      // Ctrl-Z before the agent puts the terminal in raw mode: stopped, this would hand the terminal
      // back to the shell while the agent goes on writing to it. The session is not stopped either.
      Signal.handle(new Signal("TSTP"), signal -> { });
      // Stopped (~^Z, kill -STOP) and brought back with fg: the shell put the terminal in its normal
      // mode. Continued in the background (bg, a kill's SIGCONT), wait for fg, which sends no
      // SIGCONT to a running job; a SIGTERM meanwhile ends this anyway.
      Signal.handle(new Signal("CONT"), signal -> {
        try {
          while (!Foreground.isThisProcess()) {
            Thread.sleep(BACKGROUND_POLL_MILLIS);
          }
          tell(out, signal);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      DataInputStream in = new DataInputStream(Channels.newInputStream(agent));
      if (in.read() != RUNNING) {
        return RUN_WHOLE_CLIENT; // refused, or closed before it ran anything (full, not our user's)
      }
      try {
        byte reply = in.readByte();
        while (reply == STOP) {
          stopThisProcess(out);
          reply = in.readByte();
        }
        if (reply == FALL_BACK) {
          return RUN_WHOLE_CLIENT; // it gave up before anything showed (ssh would have asked, say)
        }
        return reply == EXITED ? in.readInt() & 0xff : agentFailed();
      } catch (IOException e) { // the end of file or a reset: the agent died
        return agentFailed();
      }
    }
  }

  /**
   * Stops this process with SIGSTOP, which it cannot ignore (it ignores SIGTSTP), through kill(1):
   * only java.base here. The shell takes the terminal back; fg continues it, and the continue
   * handler tells the agent. Where kill cannot run, the agent is told to go on at once.
   */
  private static void stopThisProcess(DataOutputStream out) {
    try {
      new ProcessBuilder("kill", "-STOP", Long.toString(ProcessHandle.current().pid())).start().waitFor();
    } catch (IOException e) {
      System.err.println("et: cannot suspend: " + e.getMessage());
      tell(out, new Signal("CONT"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The agent went away in the middle of the session: the terminal may still be in raw mode. */
  private static int agentFailed() {
    try {
      new ProcessBuilder("stty", "sane").inheritIO().start().waitFor();
    } catch (IOException | InterruptedException e) {
      // the message below is all that is left
    }
    System.err.println("et: the et agent ended without an exit status (its log: agent.log beside its socket)");
    return 255;
  }

  /** The terminal device that stdin, stdout and stderr all are, or empty. */
  private static Optional<Path> sharedTerminal() {
    try {
      Path in = Files.readSymbolicLink(Path.of("/proc/self/fd/0"));
      for (int fd = 1; fd <= 2; fd++) {
        if (!Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).equals(in)) {
          return Optional.empty();
        }
      }
      return in.startsWith("/dev/") ? Optional.of(in) : Optional.empty();
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  private static void writeRequest(DataOutputStream out, Path terminal, String[] args) throws IOException {
    out.writeInt(MAGIC);
    out.writeInt((int) ProcessHandle.current().pid()); // Linux's pids fit an int
    writeString(out, terminal.toString());
    writeString(out, System.getProperty("user.dir"));
    out.writeInt(args.length);
    for (String arg : args) {
      writeString(out, arg);
    }
    Map<String, String> environment = System.getenv();
    out.writeInt(environment.size());
    for (Map.Entry<String, String> variable : environment.entrySet()) {
      writeString(out, variable.getKey());
      writeString(out, variable.getValue());
    }
  }

  private static void writeString(DataOutputStream out, String value) throws IOException {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  /** One byte per signal, its name's first letter: W, C, I, T or H. */
  private static void tell(DataOutputStream out, Signal signal) {
    synchronized (out) {
      try {
        out.writeByte(signal.getName().charAt(0));
        out.flush();
      } catch (IOException e) {
        // the agent is gone: the reply's end of file says so
      }
    }
  }

  /**
   * The whole client on this terminal, as if the agent were not there; Ctrl-C and window changes
   * reach it from the terminal, SIGTERM and SIGHUP sent to this are passed on, and this waits for
   * it rather than dying first.
   */
  private static int runWholeClient(String[] args) {
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("et.launcher"));
    command.addAll(List.of(args));
    ProcessBuilder whole = new ProcessBuilder(command).inheritIO();
    whole.environment().put("ET_NO_AGENT", "1");
    for (String name : new String[] {"WINCH", "INT"}) {
      Signal.handle(new Signal(name), signal -> { });
    }
    try {
      Process client = whole.start();
      for (String name : new String[] {"TERM", "HUP"}) {
        Signal.handle(new Signal(name), signal -> client.destroy());
      }
      return client.waitFor();
    } catch (IOException e) {
      System.err.println("et: cannot run " + command.getFirst() + ": " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      return 1;
    }
  }
}
