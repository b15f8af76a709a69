package et.client;

import et.core.transport.ConnectAttempt;
import et.core.transport.Transport;
import et.core.task.TaskGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.ByteChannel;
import java.util.List;
import org.tinylog.Logger;

/**
 * {@code --via-ssh}: every connection attempt runs the user's ssh with {@code -W host:port} (ssh's
 * stdin and stdout become a TCP connection the ssh server makes to the session host), for networks
 * where only ssh's port is open. ssh runs with {@code BatchMode=yes}: nobody is there to type a
 * password on a reconnect, so ssh fails at once instead, and its stderr (kept, never shown raw)
 * says why in the attempt's error.
 *
 * <p>The bytes ssh carries are et's sealed frames; ssh adds its own encryption around them.
 */
final class SshStdioTransport implements Transport {
  private static final int STDERR_TAIL_BYTES = 4096;
  private static final int SHOWN_CHARS = 200;

  private final List<String> argv;
  private final String target;
  private final TaskGroup tasks;

  /** {@code argv}: the whole ssh command line (with {@code -W}); its stderr readers fork into {@code tasks}. */
  SshStdioTransport(List<String> argv, String target, TaskGroup tasks) {
    this.argv = List.copyOf(argv);
    this.target = target;
    this.tasks = tasks;
  }

  @Override
  public ByteChannel open(ConnectAttempt attempt) throws IOException {
    Process ssh;
    try {
      ssh = new ProcessBuilder(argv)
          .redirectInput(ProcessBuilder.Redirect.PIPE)
          .redirectOutput(ProcessBuilder.Redirect.PIPE)
          .redirectError(ProcessBuilder.Redirect.PIPE)
          .start();
    } catch (IOException e) {
      throw new IOException("cannot run " + argv.getFirst() + ": " + e.getMessage(), e);
    }
    StderrEcho stderr = StderrEcho.start(ssh.getErrorStream(), OutputStream.nullOutputStream(), STDERR_TAIL_BYTES, tasks);
    return attempt.guard(new ProcessChannel(ssh, status -> whyFailed(status, stderr)));
  }

  /** The message for an ssh that exited with {@code status}: a login that needs typing is named as such. */
  private String whyFailed(int status, StderrEcho stderr) {
    try {
      stderr.awaitEnd(ProcessChannel.EXIT_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String said = Printable.escape(stderr.lastLine(), SHOWN_CHARS);
    Logger.info("ssh -W {} exited with status {}: {}", target, status, said);
    String tail = stderr.tail();
    if (tail.contains("Permission denied") || tail.contains("passphrase") || tail.contains("password")) {
      return "ssh needs a password or passphrase, which --via-ssh cannot type on a reconnect "
          + "(use a key in ssh-agent): " + said;
    }
    return "ssh -W " + target + " failed (exit status " + status + ")" + (said.isEmpty() ? "" : ": " + said);
  }

  @Override
  public String toString() {
    return "ssh -W " + target;
  }
}
