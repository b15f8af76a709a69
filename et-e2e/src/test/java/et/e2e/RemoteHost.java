package et.e2e;

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
 * The remote side of the end-to-end tests, all real: a private sshd (et-testkit) that lets this user
 * in, and {@code launcher/etterminal} reached through a 0700 wrapper script (the {@code
 * --terminal-path}) that isolates the session host: its own HOME (with a fixed prompt and a
 * server.conf fixing the et port on 127.0.0.1), its own XDG_RUNTIME_DIR (so its own host) and an
 * idle exit. {@link #close()} ends that host and sshd, so nothing is left running.
 */
final class RemoteHost implements AutoCloseable {
  static final Path REPO = Path.of("").toAbsolutePath().getParent();
  static final Path ET = REPO.resolve("launcher/et");
  static final Path ETTERMINAL = REPO.resolve("launcher/etterminal");
  /** The remote shell's prompt, set by the test HOME's .bash_profile. */
  static final String PROMPT = "e2e$ ";
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final SshServer sshd;
  private final Path home;
  private final Path runtime;
  private final Path wrapper;
  private final int etPort;

  private RemoteHost(SshServer sshd, Path home, Path runtime, Path wrapper, int etPort) {
    this.sshd = sshd;
    this.home = home;
    this.runtime = runtime;
    this.wrapper = wrapper;
    this.etPort = etPort;
  }

  /** Starts sshd and prepares a host account environment under {@code base}. */
  static RemoteHost start(Path base) throws IOException, InterruptedException {
    for (String module : List.of("et-client", "et-server")) {
      if (!Files.isDirectory(REPO.resolve(module).resolve("target/lib"))) {
        throw new IllegalStateException(module + " is not packaged: run mvn -B verify (or package) from " + REPO);
      }
    }
    Path home = Files.createDirectories(base.resolve("home"));
    Path runtime = base.resolve("xdg");
    Files.writeString(home.resolve(".bash_profile"), "PS1='" + PROMPT + "'\nunset PROMPT_COMMAND\n");
    int etPort = freePort();
    Files.writeString(
        Files.createDirectories(home.resolve(".config/et")).resolve("server.conf"),
        "# written by et-e2e\nport=" + etPort + "\nbind=127.0.0.1\n");
    Path wrapper = base.resolve("etterminal");
    Files.writeString(
        wrapper,
        String.join(
            "\n",
            "#!/bin/sh",
            "export HOME='" + home + "'",
            "export XDG_RUNTIME_DIR='" + runtime + "'",
            "export ET_HOST_IDLE_EXIT=120",
            "exec '" + ETTERMINAL + "' \"$@\"",
            ""));
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
    return new RemoteHost(SshServer.start(), home, runtime, wrapper, etPort);
  }

  /** The et port the session host listens on (127.0.0.1). */
  int etPort() {
    return etPort;
  }

  Path home() {
    return home;
  }

  SshServer sshd() {
    return sshd;
  }

  /** {@code launcher/et} with this sshd and the wrapper, then {@code options}, then the destination. */
  List<String> etCommand(String... options) {
    return etCommandWith(wrapper.toString(), options);
  }

  /** As {@link #etCommand} with another {@code --terminal-path}. */
  List<String> etCommandWith(String terminalPath, String... options) {
    return etCommandAs(sshd.user(), sshShell(), terminalPath, options);
  }

  /** {@code launcher/et --ssh SSH --terminal-path PATH OPTIONS LOGIN@127.0.0.1}. */
  static List<String> etCommandAs(String login, String ssh, String terminalPath, String... options) {
    List<String> command = new ArrayList<>(List.of(ET.toString(), "--ssh", ssh, "--terminal-path", terminalPath));
    command.addAll(List.of(options));
    command.add(login + "@127.0.0.1");
    return command;
  }

  /** The --ssh value: {@code ssh -F <config>}. */
  String sshShell() {
    return "ssh -F " + sshd.clientConfig();
  }

  /** The session host, if one runs (its pid is in host.lock). */
  Optional<ProcessHandle> hostProcess() throws IOException {
    Path lock = runtime.resolve("et/host.lock");
    if (!Files.exists(lock)) {
      return Optional.empty();
    }
    String pid = Files.readString(lock).strip();
    return pid.isEmpty() ? Optional.empty() : ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive);
  }

  /** Ends the session host (SIGTERM, then SIGKILL with its descendants) and sshd. */
  @Override
  public void close() throws IOException, InterruptedException {
    try {
      Optional<ProcessHandle> host = hostProcess();
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

  static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }
}
