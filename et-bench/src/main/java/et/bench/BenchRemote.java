package et.bench;

import et.testkit.Poll;
import et.testkit.SshServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The remote side of the terminal benchmark, on this machine: a private sshd on 127.0.0.1
 * (et-testkit) and {@code launcher/etterminal} behind a 0700 wrapper script (et's {@code
 * --terminal-path}) that gives the session host its own HOME (server.conf: a free et port on
 * 127.0.0.1), its own XDG_RUNTIME_DIR (so a host of its own, none running at first) and an idle
 * exit. {@link #close()} ends that host and sshd.
 */
final class BenchRemote implements AutoCloseable {
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final Path repo;
  private final SshServer sshd;
  private final Path runtime;
  private final Path wrapper;

  private BenchRemote(Path repo, SshServer sshd, Path runtime, Path wrapper) {
    this.repo = repo;
    this.sshd = sshd;
    this.runtime = runtime;
    this.wrapper = wrapper;
  }

  /** Starts sshd and writes the session host's environment under {@code base}. */
  static BenchRemote start(Path repo, Path base) throws IOException, InterruptedException {
    Path home = Files.createDirectories(base.resolve("remote-home"));
    Files.writeString(home.resolve(".bash_profile"), "# et bench: nothing\n");
    Files.writeString(
        Files.createDirectories(home.resolve(".config/et")).resolve("server.conf"),
        "# written by et-bench\nport=" + freePort() + "\nbind=127.0.0.1\n");
    Path runtime = base.resolve("xdg");
    Path wrapper = base.resolve("etterminal");
    Files.writeString(wrapper, String.join("\n",
        "#!/bin/sh",
        "export HOME='" + home + "'",
        "export XDG_RUNTIME_DIR='" + runtime + "'",
        "export ET_HOST_IDLE_EXIT=120",
        "exec '" + repo.resolve("launcher/etterminal") + "' \"$@\"",
        ""));
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
    return new BenchRemote(repo, SshServer.start(), runtime, wrapper);
  }

  /** {@code ssh -tt -F CFG et-test -- REMOTE}. */
  List<String> sshCommand(String remote) {
    List<String> command = new ArrayList<>(sshd.sshCommand());
    command.addAll(List.of("-tt", SshServer.HOST_ALIAS, "--", remote));
    return command;
  }

  /** {@code launcher/et --ssh "ssh -F CFG" --terminal-path WRAPPER -c REMOTE USER@127.0.0.1}. */
  List<String> etCommand(String remote) {
    return List.of(repo.resolve("launcher/et").toString(),
        "--ssh", String.join(" ", sshd.sshCommand()),
        "--terminal-path", wrapper.toString(),
        "-c", remote,
        sshd.user() + "@127.0.0.1");
  }

  /** The session host, if one runs (its pid is in host.lock). */
  Optional<ProcessHandle> sessionHost() throws IOException {
    Path lock = runtime.resolve("et/host.lock");
    if (!Files.exists(lock)) {
      return Optional.empty();
    }
    String pid = Files.readString(lock).strip();
    return pid.isEmpty() ? Optional.empty() : ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive);
  }

  /** Ends the session host (SIGTERM, then SIGKILL with its descendants), then sshd. */
  @Override
  public void close() throws IOException, InterruptedException {
    try {
      Optional<ProcessHandle> host = sessionHost();
      if (host.isPresent()) {
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
    } finally {
      sshd.close();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }
}
