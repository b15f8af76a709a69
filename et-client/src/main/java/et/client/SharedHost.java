package et.client;

import et.core.task.Deadline;
import et.terminal.BootstrapException;
import et.terminal.BootstrapReply;
import et.terminal.HostRequest;
import et.terminal.PrivateDirectory;
import et.terminal.ReplyScanner;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * A running et's offer of its session ({@link ShareServer}), as a later et to the same destination
 * uses it instead of ssh: connects to the share socket, and later sends its request and reads the
 * host's answer. Anything short of the expected answer (no et listening, a stale socket, an et
 * that is not connected, a slow or odd answer) is {@link Unavailable}, and the caller logs in with
 * ssh after all.
 */
final class SharedHost implements AutoCloseable {
  /**
   * How long the answer may take: a connected et and its host answer within milliseconds; one whose
   * connection just dropped would make this et wait for its reconnection, while ssh is a surer way.
   */
  static final Duration ANSWER_DEADLINE = Duration.ofSeconds(3);
  private static final int SHOWN_CHARS = 200;

  private final SocketChannel connection;
  private final Path socket;

  private SharedHost(SocketChannel connection, Path socket) {
    this.connection = connection;
    this.socket = socket;
  }

  /** The running et offering its session on {@code socket}, if one does; why not goes to {@code note}. */
  static Optional<SharedHost> connect(Path socket, Consumer<String> note) {
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    SocketChannel connection = null;
    try {
      PrivateDirectory.verify(socket.getParent());
      connection = SocketChannel.open(StandardProtocolFamily.UNIX);
      connection.connect(UnixDomainSocketAddress.of(socket));
      UnixDomainPrincipal peer = connection.getOption(ExtendedSocketOptions.SO_PEERCRED);
      if (!peer.user().equals(Files.getOwner(socket.getParent()))) {
        throw new IOException("it belongs to user " + peer.user().getName());
      }
      return Optional.of(new SharedHost(connection, socket));
    } catch (IOException e) {
      note.accept("not sharing a running et's session (" + socket + "): " + e.getMessage());
      if (connection != null) {
        close(connection);
      }
      return Optional.empty();
    }
  }

  /**
   * Sends {@code request} and returns the host's answer, which must be of type {@code expected}.
   *
   * @throws Unavailable when no such answer came within {@link #ANSWER_DEADLINE}
   */
  <T extends BootstrapReply> T answer(HostRequest request, Class<T> expected) throws Unavailable {
    Optional<BootstrapReply> reply;
    try (Deadline deadline = Deadline.closeAfter(connection, ANSWER_DEADLINE)) {
      String late = "no answer within " + ANSWER_DEADLINE.toMillis() + " ms";
      try {
        OutputStream out = Channels.newOutputStream(connection);
        out.write((request.toLine() + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        reply = new ReplyScanner(request.nonce()).scan(Channels.newInputStream(connection));
      } catch (IOException | BootstrapException e) { // the deadline's close fails the read too
        throw new Unavailable(deadline.passed() ? late : String.valueOf(e.getMessage()));
      }
      if (reply.isEmpty()) {
        throw new Unavailable(deadline.passed() ? late : "no answer");
      }
    } finally {
      close();
    }
    if (!expected.isInstance(reply.get())) {
      throw new Unavailable(reply.get() instanceof BootstrapReply.Error error
          ? "the host answered: " + Printable.escape(error.reason(), SHOWN_CHARS)
          : "an answer of another kind");
    }
    return expected.cast(reply.get());
  }

  @Override
  public void close() {
    close(connection);
  }

  private static void close(SocketChannel connection) {
    try {
      connection.close();
    } catch (IOException ignored) {
      // nothing more to say to it
    }
  }

  @Override
  public String toString() {
    return "the et sharing its session on " + socket;
  }

  /** The running et gave no usable answer; the message says why. */
  static final class Unavailable extends Exception {
    Unavailable(String reason) {
      super(reason);
    }
  }
}
