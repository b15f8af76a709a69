package et.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An et session host kept apart from any real one, for tests and benchmarks on this machine: a HOME
 * whose server.conf fixes a free et port on 127.0.0.1 (or another bind address), its own XDG_RUNTIME_DIR (so a host of its
 * own, none running at first), and a 0700 wrapper script around {@code launcher/etterminal} (et's
 * {@code --terminal-path}) that exports both and an idle exit. {@link #close()} stops the host
 * that etterminal started.
 */
public final class EtHostSandbox implements AutoCloseable {
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final Path home;
  private final Path runtime;
  private final Path wrapper;
  private final int etPort;

  private EtHostSandbox(Path home, Path runtime, Path wrapper, int etPort) {
    this.home = home;
    this.runtime = runtime;
    this.wrapper = wrapper;
    this.etPort = etPort;
  }

  /**
   * Writes the sandbox under {@code base}: HOME with {@code bashProfile} as its .bash_profile, the
   * runtime dir, and the wrapper around {@code etterminal}. {@code writer} names who wrote it.
   */
  public static EtHostSandbox create(Path base, Path etterminal, String bashProfile, String writer)
      throws IOException {
    return create(base, etterminal, bashProfile, writer, SshServer.LOOPBACK);
  }

  /**
   * As {@link #create(Path, Path, String, String)}, with the session host bound to {@code
   * bindAddress} (an IP literal, e.g. the server's address in a {@link NetLab}).
   */
  public static EtHostSandbox create(
      Path base, Path etterminal, String bashProfile, String writer, String bindAddress)
      throws IOException {
    Path home = Files.createDirectories(base.resolve("home"));
    Path runtime = base.resolve("xdg");
    Files.writeString(home.resolve(".bash_profile"), bashProfile);
    int etPort = SshServer.freePort();
    Files.writeString(
        Files.createDirectories(home.resolve(".config/et")).resolve("server.conf"),
        "# written by " + writer + "\nport=" + etPort + "\nbind=" + bindAddress + "\n");
    Path wrapper = base.resolve("etterminal");
    Files.writeString(
        wrapper,
        String.join(
            "\n",
            "#!/bin/sh",
            "export HOME='" + home + "'",
            "export XDG_RUNTIME_DIR='" + runtime + "'",
            "export ET_HOST_IDLE_EXIT=120",
            "exec '" + etterminal + "' \"$@\"",
            ""));
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
    return new EtHostSandbox(home, runtime, wrapper, etPort);
  }

  public Path home() {
    return home;
  }

  /** The script to pass as et's {@code --terminal-path}. */
  public Path wrapper() {
    return wrapper;
  }

  /** The et port the session host listens on. */
  public int etPort() {
    return etPort;
  }

  /** The session host, if one runs (its pid is in host.lock). */
  public Optional<ProcessHandle> sessionHost() throws IOException {
    return sessionHostOf(runtime);
  }

  /** Stops the session host, if one runs. */
  @Override
  public void close() throws IOException, InterruptedException {
    stopSessionHost(runtime);
  }

  /** The session host serving {@code runtimeDir} (an XDG_RUNTIME_DIR), if one runs. */
  public static Optional<ProcessHandle> sessionHostOf(Path runtimeDir) throws IOException {
    Path lock = runtimeDir.resolve("et/host.lock");
    if (!Files.exists(lock)) {
      return Optional.empty();
    }
    String pid = Files.readString(lock).strip();
    return pid.isEmpty()
        ? Optional.empty()
        : ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive);
  }

  /** The host log of the account whose home is {@code home}, for failure messages; "(none)" if it has none. */
  public static String hostLog(Path home) throws IOException {
    Path log = home.resolve(".et/log/host.log");
    return Files.exists(log) ? Files.readString(log) : "(none)";
  }

  /**
   * Stops the session host serving {@code runtimeDir}: SIGTERM, then SIGKILL to it and what it
   * started; fails loudly if even that leaves it running.
   */
  public static void stopSessionHost(Path runtimeDir) throws IOException, InterruptedException {
    Optional<ProcessHandle> host = sessionHostOf(runtimeDir);
    if (host.isEmpty()) {
      return;
    }
    List<ProcessHandle> below = host.get().descendants().toList();
    host.get().destroy();
    if (!Poll.until(STOP_GRACE, () -> !host.get().isAlive())) {
      host.get().destroyForcibly();
    }
    below.forEach(ProcessHandle::destroyForcibly);
    if (!Poll.until(STOP_GRACE, () -> !host.get().isAlive())) {
      throw new IllegalStateException("session host " + host.get().pid() + " survived SIGKILL");
    }
  }
}
