package et.e2e;

import et.testkit.EtHostSandbox;
import et.testkit.NetLab;
import et.testkit.SshServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The remote side of the end-to-end tests, all real: a private sshd (et-testkit) that lets this user
 * in, and {@code launcher/etterminal} reached through {@link EtHostSandbox}'s wrapper (the {@code
 * --terminal-path}), which isolates the session host: its own HOME (with a fixed prompt and the et
 * port fixed on 127.0.0.1), its own XDG_RUNTIME_DIR and an idle exit. {@link #startIn} puts sshd,
 * and so the session host, in the server namespace of a {@link NetLab} instead, on its address.
 * {@link #close()} ends that host and sshd, so nothing is left running.
 */
final class RemoteHost implements AutoCloseable {
  static final Path REPO = Path.of("").toAbsolutePath().getParent();
  static final Path ET = REPO.resolve("launcher/et");
  static final Path ETTERMINAL = REPO.resolve("launcher/etterminal");
  /** The remote shell's prompt, set by the test HOME's .bash_profile. */
  static final String PROMPT = "e2e$ ";

  private final SshServer sshd;
  private final EtHostSandbox sandbox;

  private RemoteHost(SshServer sshd, EtHostSandbox sandbox) {
    this.sshd = sshd;
    this.sandbox = sandbox;
  }

  /** Starts sshd and prepares a host account environment under {@code base}. */
  static RemoteHost start(Path base) throws IOException, InterruptedException {
    return start(base, ETTERMINAL, SshServer.LOOPBACK, List.of());
  }

  /** As {@link #start(Path)}, with another etterminal behind the wrapper (an install image's). */
  static RemoteHost start(Path base, Path etterminal) throws IOException, InterruptedException {
    return start(base, etterminal, SshServer.LOOPBACK, List.of());
  }

  /** As {@link #start(Path)}, with sshd and the session host in {@code lab}'s server namespace. */
  static RemoteHost startIn(Path base, NetLab lab) throws IOException, InterruptedException {
    return start(base, ETTERMINAL, NetLab.SERVER_ADDRESS, lab.serverPrefix());
  }

  /** As {@link #start(Path)}, with sshd and the session host in a namespace ({@code prefix}) on {@code address}. */
  static RemoteHost startAt(Path base, String address, List<String> prefix) throws IOException, InterruptedException {
    return start(base, ETTERMINAL, address, prefix);
  }

  /** A new {@link NetLab} for {@link #startIn}; where none can be made (not root), the test is skipped. */
  static NetLab createLabOrSkip() throws InterruptedException {
    try {
      return NetLab.create();
    } catch (NetLab.UnavailableException e) {
      Assumptions.abort("no network namespaces here: " + e.getMessage());
      throw new AssertionError("not reached");
    }
  }

  private static RemoteHost start(Path base, Path etterminal, String address, List<String> commandPrefix)
      throws IOException, InterruptedException {
    for (String module : List.of("et-client", "et-server")) {
      if (!Files.isDirectory(REPO.resolve(module).resolve("target/lib"))) {
        throw new IllegalStateException(module + " is not packaged: run mvn -B verify (or package) from " + REPO);
      }
    }
    EtHostSandbox sandbox =
        EtHostSandbox.create(base, etterminal, "PS1='" + PROMPT + "'\nunset PROMPT_COMMAND\n", "et-e2e", address);
    return new RemoteHost(SshServer.start(address, commandPrefix), sandbox);
  }

  /** The et port the session host listens on (127.0.0.1, or the lab's server address). */
  int etPort() {
    return sandbox.etPort();
  }

  Path home() {
    return sandbox.home();
  }

  /** The 0700 script around etterminal that sets the sandbox's HOME and XDG_RUNTIME_DIR. */
  Path wrapper() {
    return sandbox.wrapper();
  }

  /** The session host that etterminal started, if one runs. */
  Optional<ProcessHandle> sessionHost() throws IOException {
    return sandbox.sessionHost();
  }

  SshServer sshd() {
    return sshd;
  }

  /** {@code launcher/et} with this sshd and the wrapper, then {@code options}, then the destination. */
  List<String> etCommand(String... options) {
    return etCommandWith(sandbox.wrapper().toString(), options);
  }

  /** As {@link #etCommand} with another {@code --terminal-path}. */
  List<String> etCommandWith(String terminalPath, String... options) {
    return etCommandAs(sshd.user(), sshShell(), terminalPath, options);
  }

  /** {@code launcher/et --ssh SSH --terminal-path PATH OPTIONS LOGIN@127.0.0.1}. */
  static List<String> etCommandAs(String login, String ssh, String terminalPath, String... options) {
    return etCommandTo(login + "@127.0.0.1", ssh, terminalPath, options);
  }

  /** {@code launcher/et --ssh SSH --terminal-path PATH OPTIONS DESTINATION}. */
  static List<String> etCommandTo(String destination, String ssh, String terminalPath, String... options) {
    return etCommandBy(List.of(ET.toString()), destination, ssh, terminalPath, options);
  }

  /** As {@link #etCommandWith}, with {@code et} (a command's words) running et instead of launcher/et. */
  List<String> etCommandBy(List<String> et, String terminalPath, String... options) {
    return etCommandBy(et, sshd.user() + "@127.0.0.1", sshShell(), terminalPath, options);
  }

  private static List<String> etCommandBy(
      List<String> et, String destination, String ssh, String terminalPath, String... options) {
    List<String> command = new ArrayList<>(et);
    command.addAll(List.of("--ssh", ssh, "--terminal-path", terminalPath));
    command.addAll(List.of(options));
    command.add(destination);
    return command;
  }

  /** {@link #etCommand} to the ssh_config alias {@value SshServer#HOST_ALIAS} instead of 127.0.0.1. */
  List<String> etCommandToAlias(String... options) {
    return etCommandTo(sshd.user() + "@" + SshServer.HOST_ALIAS, sshShell(), sandbox.wrapper().toString(), options);
  }

  /** The --ssh value: {@code ssh -F <config>}. */
  String sshShell() {
    return "ssh -F " + sshd.clientConfig();
  }

  /**
   * A script at {@code script} that runs {@link #sshShell()} after noting its command line in
   * {@code log}, one line each: a --ssh that lets a test count ssh logins ({@link #logins}).
   */
  Path sshNotingTo(Path script, Path log) throws IOException {
    return sshAfter(script, "printf '%s\\n' \"$*\" >> '" + log + "'");
  }

  /**
   * A script at {@code script} (mode 0700) that runs {@code before} (sh, with ssh's arguments in
   * {@code $@}), then {@link #sshShell()} with those arguments: a --ssh that plays a slow or
   * refusing ssh, or notes what it is asked.
   */
  Path sshAfter(Path script, String before) throws IOException {
    Files.writeString(script, String.join("\n", "#!/bin/sh", before, "exec " + sshShell() + " \"$@\"", ""));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  /** How many of the command lines in {@code log} were logins to etterminal (not ssh -G). */
  long logins(Path log) throws IOException {
    if (!Files.exists(log)) {
      return 0;
    }
    try (Stream<String> lines = Files.lines(log)) {
      return lines.filter(line -> line.endsWith("-- " + sandbox.wrapper())).count();
    }
  }

  /** Ends the session host and sshd. */
  @Override
  public void close() throws IOException, InterruptedException {
    try {
      sandbox.close();
    } finally {
      sshd.close();
    }
  }
}
