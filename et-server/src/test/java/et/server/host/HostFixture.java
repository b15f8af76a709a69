package et.server.host;

import et.core.EternalClient;
import et.core.Session;
import et.core.SessionOptions;
import et.server.request.HostPaths;
import et.server.request.HostSocket;
import et.terminal.BootstrapException;
import et.terminal.BootstrapReply;
import et.terminal.BoundedLine;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A session host in this JVM over a temporary home and runtime directory, listening on
 * 127.0.0.1, with a login shell profile that sets the prompt {@link #PROMPT}; and the client side:
 * requests over the unix socket, and et.core clients for the sessions it hands out.
 */
final class HostFixture implements AutoCloseable {
  static final String PROMPT = "et-test$ ";
  static final SessionOptions OPTIONS = SessionOptions.defaults();

  final HostPaths paths;
  final SessionHost host;

  private HostFixture(HostPaths paths, SessionHost host) {
    this.paths = paths;
    this.host = host;
  }

  /** The paths of a host under {@code base}: home {@code base/home}, runtime {@code base/xdg/et}. */
  static HostPaths paths(Path base) {
    Path home = base.resolve("home");
    return new HostPaths(
        home,
        base.resolve("xdg").resolve("et"),
        home.resolve(".et/log/host.log"),
        home.resolve(".config/et/server.conf"));
  }

  static HostConfig config(HostPaths paths) {
    return HostConfig.of(paths, ServerConf.defaults())
        .withBind(InetAddress.getLoopbackAddress())
        .withPort(0)
        .withClientWait(Duration.ofSeconds(30));
  }

  static HostFixture start(Path base) throws IOException {
    return start(config(paths(base)));
  }

  static HostFixture start(HostConfig config) throws IOException {
    Path home = config.paths().home();
    Files.createDirectories(home);
    // A login shell reads its profile after /etc/profile (which may set its own PS1): bash
    // ~/.bash_profile, sh ~/.profile. Either way a known prompt and no user start-up files.
    String profile = "PS1='" + PROMPT + "'\nunset PROMPT_COMMAND\n";
    Files.writeString(home.resolve(".bash_profile"), profile);
    Files.writeString(home.resolve(".profile"), profile);
    return new HostFixture(config.paths(), SessionHost.start(config));
  }

  /** The host's reply line to {@code line}, or empty when it hung up without one. */
  Optional<String> request(String line) throws IOException {
    try (SocketChannel channel = HostSocket.connect(paths.socket())) {
      ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.ISO_8859_1));
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      try {
        return Optional.of(
            BoundedLine.read(new BufferedInputStream(Channels.newInputStream(channel)), BoundedLine.MAX_BYTES));
      } catch (EOFException e) {
        return Optional.empty();
      }
    }
  }

  /** The session reply to {@code line}; fails when the host answers otherwise. */
  BootstrapReply.Session requestSession(String line) throws IOException, BootstrapException {
    String reply = request(line).orElseThrow(() -> new AssertionError("no reply to " + line));
    if (BootstrapReply.parse(reply) instanceof BootstrapReply.Session session) {
      return session;
    }
    throw new AssertionError("not a session reply: " + reply);
  }

  /** A client session for {@code reply}, connected to the host's port on 127.0.0.1. */
  Session connect(BootstrapReply.Session reply) throws IOException {
    return EternalClient.connect(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), reply.port()), reply.credentials(), OPTIONS);
  }

  @Override
  public void close() {
    host.close();
  }
}
