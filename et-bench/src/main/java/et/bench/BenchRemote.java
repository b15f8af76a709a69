package et.bench;

import et.testkit.EtHostSandbox;
import et.testkit.SshServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The remote side of the terminal benchmark, on this machine: a private sshd on 127.0.0.1
 * (et-testkit) and a session host of its own behind {@link EtHostSandbox}'s wrapper (et's {@code
 * --terminal-path}). {@link #close()} ends that host and sshd.
 */
final class BenchRemote implements AutoCloseable {
  private final Path repo;
  private final SshServer sshd;
  private final EtHostSandbox sandbox;

  private BenchRemote(Path repo, SshServer sshd, EtHostSandbox sandbox) {
    this.repo = repo;
    this.sshd = sshd;
    this.sandbox = sandbox;
  }

  /** Starts sshd and writes the session host's environment under {@code base}. */
  static BenchRemote start(Path repo, Path base) throws IOException, InterruptedException {
    EtHostSandbox sandbox =
        EtHostSandbox.create(base, repo.resolve("launcher/etterminal"), "# et bench: nothing\n", "et-bench");
    return new BenchRemote(repo, SshServer.start(), sandbox);
  }

  /** {@code ssh -F CFG}: what the benchmark adds its own options and the host alias to. */
  List<String> sshBase() {
    return List.copyOf(sshd.sshCommand());
  }

  /** {@code launcher/et ... -N -t SPEC USER@127.0.0.1}: a tunnel alone. */
  List<String> etTunnelCommand(String spec) {
    return et("-N", "-t", spec);
  }

  /** {@code ssh -F CFG OPTIONS... -tt et-test -- REMOTE}. */
  List<String> sshCommand(String remote, String... options) {
    List<String> command = new ArrayList<>(sshd.sshCommand());
    command.addAll(List.of(options));
    command.addAll(List.of("-tt", SshServer.HOST_ALIAS, "--", remote));
    return command;
  }

  /** {@code launcher/et --ssh "ssh -F CFG" --terminal-path WRAPPER -c REMOTE USER@127.0.0.1}. */
  List<String> etCommand(String remote) {
    return et("-c", remote);
  }

  /** {@code launcher/et ... -t SPEC -c REMOTE USER@127.0.0.1}: a terminal and a tunnel in one session. */
  List<String> etCommand(String remote, String tunnelSpec) {
    return et("-t", tunnelSpec, "-c", remote);
  }

  /** {@code launcher/et --ssh "ssh -F CFG" --terminal-path WRAPPER OPTIONS... USER@127.0.0.1}. */
  List<String> et(String... options) {
    List<String> command = new ArrayList<>(List.of(repo.resolve("launcher/et").toString(),
        "--ssh", String.join(" ", sshd.sshCommand()),
        "--terminal-path", sandbox.wrapper().toString()));
    command.addAll(List.of(options));
    command.add(sshd.user() + "@127.0.0.1");
    return List.copyOf(command);
  }

  /** The script et runs on the remote side (etterminal with the session host's environment). */
  Path etterminal() {
    return sandbox.wrapper();
  }

  /** The sshd listener; the processes serving each ssh session are its descendants. */
  ProcessHandle sshd() {
    return sshd.process();
  }

  /** The session host, if one runs. */
  Optional<ProcessHandle> sessionHost() throws IOException {
    return sandbox.sessionHost();
  }

  /** Ends the session host, then sshd. */
  @Override
  public void close() throws IOException, InterruptedException {
    try {
      sandbox.close();
    } finally {
      sshd.close();
    }
  }
}
