package et.client;

import et.client.cli.ClientOptions;
import et.client.cli.HostAction;
import et.client.cli.SshCommand;
import et.terminal.PrivateDirectory;
import et.terminal.UserDirectories;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Where a running et offers its session to later ones to the same destination (docs/TERMINAL.md,
 * "Session sharing"), like ssh's ControlMaster: a unix socket in {@code $XDG_RUNTIME_DIR/et/share}
 * (else {@code ~/.et/share}, or {@code /tmp/et-share-UID} when that path is too long for a unix
 * socket), a private directory, named by a hash of what decides which host and
 * account ssh reaches: ssh's bootstrap command line (program, options, user, host, terminal path)
 * and {@code --port}. Two ets share only when both would have run the same ssh.
 *
 * <p>Not for {@code --no-share}, {@code --via-ssh} or {@code -J} (their connection is not a plain
 * TCP one the later et could make itself), nor for requests that end sessions ({@code --kill},
 * {@code -x}): the session they may end could be the one carrying the request.
 */
final class SessionSharing {
  /** Hex digits of the hash in the socket's name: 64 bits, and a short path. */
  private static final int NAME_HEX_DIGITS = 16;
  /** sun_path holds 108 bytes with the terminating NUL. */
  private static final int MAX_SOCKET_PATH_BYTES = 107;

  private SessionSharing() {}

  /** The socket for {@code options}, or empty when they do not share. */
  static Optional<Path> socket(ClientOptions options, Map<String, String> environment) {
    if (!options.share() || options.route().viaSsh() || !options.route().jumps().isEmpty() || endsSessions(options.action())) {
      return Optional.empty();
    }
    String name = name(options) + ".sock";
    Path socket = directory(environment).resolve(name);
    return Optional.of(fits(socket) ? socket : Path.of("/tmp", "et-share-" + PrivateDirectory.currentUid(), name));
  }

  /** {@code $XDG_RUNTIME_DIR/et/share} when XDG_RUNTIME_DIR is an absolute path, else {@code ~/.et/share}. */
  static Path directory(Map<String, String> environment) {
    return UserDirectories.xdgRuntimeDir(environment).map(runtime -> runtime.resolve("et"))
        .orElseGet(() -> UserDirectories.home(environment).resolve(".et"))
        .resolve("share");
  }

  /** Whether a unix socket can have this path (at most 107 bytes on Linux); a deep home may not. */
  static boolean fits(Path socket) {
    return socket.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH_BYTES;
  }

  private static boolean endsSessions(HostAction action) {
    return action instanceof HostAction.KillSession || action instanceof HostAction.NewSession(boolean killOthers) && killOthers;
  }

  private static String name(ClientOptions options) {
    StringBuilder key = new StringBuilder("et share 1\0");
    SshCommand.build(options).forEach(word -> key.append(word).append('\0'));
    options.port().ifPresent(port -> key.append("port ").append(port));
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash).substring(0, NAME_HEX_DIGITS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
