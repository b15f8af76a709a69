package et.client;

import et.terminal.BootstrapReply;
import et.terminal.HostRequest;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A host request answered through a running et's session ({@link SharedHost}) when one offers it,
 * else over ssh: ssh starts at once when nobody offers, and only after the running et failed to
 * answer otherwise.
 */
final class SharedFirst implements HostAnswers {
  private final SharedHost shared;
  private final Bootstrap ssh;
  private final Consumer<String> note;
  private Bootstrap.Running running;

  private SharedFirst(SharedHost shared, Bootstrap ssh, Consumer<String> note) {
    this.shared = shared;
    this.ssh = ssh;
    this.note = note;
  }

  /**
   * The answers for a request: through the et offering its session on {@code socket} if one does
   * (ssh waits in reserve), else from ssh, started now.
   *
   * @throws BootstrapFailure when ssh has to start and cannot
   */
  static HostAnswers ask(Optional<Path> socket, Bootstrap ssh, Consumer<String> note) throws BootstrapFailure {
    Optional<SharedHost> shared = socket.flatMap(path -> SharedHost.connect(path, note));
    if (shared.isEmpty()) {
      return ssh.start();
    }
    note.accept("asking " + shared.get() + " instead of logging in with ssh");
    return new SharedFirst(shared.get(), ssh, note);
  }

  @Override
  public <T extends BootstrapReply> T answer(HostRequest request, Class<T> expected)
      throws BootstrapFailure, InterruptedException {
    try {
      T reply = shared.answer(request, expected);
      StartTimeline.mark("answer");
      return reply;
    } catch (SharedHost.Unavailable e) {
      note.accept(shared + " gave no answer (" + e.getMessage() + "): logging in with ssh");
      running = ssh.start();
      return running.answer(request, expected);
    }
  }

  @Override
  public void close() {
    shared.close();
    if (running != null) {
      running.close();
    }
  }
}
