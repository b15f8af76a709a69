package et.client;

import et.client.term.SavedTermios;
import et.client.term.TerminalOutput;
import et.client.term.TtyDevice;
import et.client.term.TtyRawTerminal;
import et.client.term.WakeableStdin;
import et.client.thin.Foreground;
import et.core.Session;
import et.core.SessionOptions;
import et.core.transport.Transport;
import et.terminal.PrivateDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The terminal and environment the user's et handed to the agent ({@link AgentRequest}): the agent
 * opens the same terminal device itself (without making it its controlling terminal) and runs the
 * session on it as the whole client would on its own; ssh logs in in batch mode, with the user's
 * environment and working directory. Window changes and hang-ups come from the user's et
 * ({@link #windowChanged}, {@link #hangUp}).
 */
final class HandedOverTerminal implements LocalSide, AutoCloseable {
  private final TtyDevice device;
  /** Whether the user's et runs in its terminal's foreground: the keyboard's condition for reading. */
  private final Foreground.Watch inFront;
  private final TtyRawTerminal raw;
  /** The terminal's output, stdout and stderr alike (they are the one device). */
  private final TerminalOutput output;
  private final LocalStreams streams;
  private final LocalProcesses processes;
  private final AgentKeepers keepers;
  private final AtomicReference<LocalTerminal> opened = new AtomicReference<>();

  private HandedOverTerminal(
      TtyDevice device, Foreground.Watch inFront, WakeableStdin keyboard, AgentRequest request, AgentKeepers keepers) {
    this.device = device;
    this.inFront = inFront;
    this.keepers = keepers;
    this.raw = new TtyRawTerminal(device);
    this.output = TerminalOutput.of(device.fd());
    this.streams = new LocalStreams(keyboard, output, output, request.environment(), true);
    this.processes = LocalProcesses.handedOver(request.environment(), request.directory().toFile());
  }

  /**
   * The request's terminal, when it is a terminal device of this user's (a process of the same user
   * could name any path).
   *
   * @throws IOException saying why it cannot be used
   */
  static HandedOverTerminal open(AgentRequest request, AgentKeepers keepers) throws IOException {
    Object owner = Files.getAttribute(request.terminal(), "unix:uid", LinkOption.NOFOLLOW_LINKS);
    if (!(owner instanceof Integer uid) || uid != PrivateDirectory.currentUid()) {
      throw new IOException(request.terminal() + " is not this user's");
    }
    TtyDevice device = TtyDevice.open(request.terminal())
        .orElseThrow(() -> new IOException(request.terminal() + " is not a terminal"));
    try {
      // Keys only while the thin client runs in front: stopped from outside (kill -STOP) or put in
      // the background, it cannot say so, and the shell that took the terminal reads them.
      Foreground.Watch inFront = Foreground.watch(request.pid());
      try {
        return new HandedOverTerminal(device, inFront, WakeableStdin.open(device.fd(), inFront), request, keepers);
      } catch (IOException | RuntimeException e) {
        inFront.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      device.close();
      throw e;
    }
  }

  @Override
  public LocalStreams streams() {
    return streams;
  }

  @Override
  public LocalProcesses processes() {
    return processes;
  }

  @Override
  public Optional<SavedTermios> captureTermios() {
    return SavedTermios.capture(device.fd());
  }

  @Override
  public Optional<LocalTerminal> openTerminal(Consumer<String> note, Optional<SavedTermios> exact) {
    LocalTerminal terminal = LocalTerminal.handedOver(raw, exact);
    opened.set(terminal);
    ClientWarmup.firstHandedOverTerminal(output);
    return Optional.of(terminal);
  }

  @Override
  public boolean warmsUp() {
    return false;
  }

  @Override
  public void offer(Session session, Path socket, Transport transport, SessionOptions options, Consumer<String> note) {
    keepers.used(socket, session, transport, options);
    session.whenEnded().whenComplete((end, failure) -> keepers.touch(socket));
  }

  /** The user's et saw the window change. */
  void windowChanged() {
    raw.windowChanged();
  }

  /** The user's et was continued in the foreground: raw mode again, and a {@code ~^Z} is over. */
  void continued() {
    raw.continued();
  }

  /** What {@code ~^Z} runs to have the user's et stop itself. */
  void onSuspend(Runnable stopUsersEt) {
    raw.onSuspend(stopUsersEt);
  }

  /** The user's et is going away: ends a running session and restores the terminal. */
  void hangUp() {
    LocalTerminal terminal = opened.get();
    if (terminal != null) {
      terminal.hangUp();
    }
  }

  /** Closes the streams, the device (the user's et keeps its own descriptors of the terminal) and the watch. */
  @Override
  public void close() throws IOException {
    try (device; output; inFront) {
      streams.stdin().close();
    }
  }
}
