package et.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.tinylog.Logger;

/**
 * A real, private OpenSSH server on 127.0.0.1 for end-to-end tests: fresh host and client keys, its
 * own configuration, log and port, all in one temporary directory that {@link #close()} removes
 * after stopping the server and every session it spawned. {@link #start(String, List)} puts it on
 * another address, run through a command prefix such as {@code ip netns exec NS} (see {@link
 * NetLab}); everything it starts (sessions, their shells) then runs there too.
 *
 * <p>Clients use {@link #sshCommand()} ({@code ssh -F <dir>/ssh_config}) with the host alias
 * {@value #HOST_ALIAS} (or the listen address): the key, port, user and the known host key come
 * from that file, and it never prompts (BatchMode), so a refused login fails at once with status 255.
 *
 * <p>As root (tests here and in CI run as root) sshd needs the privilege-separation directory
 * /run/sshd, which {@link #start()} creates, and the login account must not be locked ('!' in
 * /etc/shadow), because without PAM sshd refuses locked accounts even for key logins. Other
 * accounts can be let in with {@link #addLoginUser(String)}.
 *
 * <p>Thread-safe after start: the accessors are immutable, {@code runSsh} may be called
 * concurrently, {@code close} is idempotent.
 */
public final class SshServer implements AutoCloseable {
  /** The host alias that the client configuration defines for this server. */
  public static final String HOST_ALIAS = "et-test";
  /** Where the server listens unless told otherwise. */
  public static final String LOOPBACK = "127.0.0.1";

  private static final Path SSHD = Path.of(System.getProperty("et.testkit.sshd", "/usr/sbin/sshd"));
  private static final Path PRIVSEP_DIR = Path.of("/run/sshd");
  private static final String SSH = System.getProperty("et.testkit.ssh", "ssh");
  private static final int START_ATTEMPTS = 10;
  private static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final SshdFiles files;
  private final int port;
  private final String user;
  private final Process sshd;
  private final AtomicBoolean closed = new AtomicBoolean();

  private SshServer(SshdFiles files, int port, String user, Process sshd) {
    this.files = files;
    this.port = port;
    this.user = user;
    this.sshd = sshd;
  }

  /**
   * Starts a private sshd on a free port of 127.0.0.1 that lets the current user in with a fresh
   * key, and returns once it listens. Whatever it created is removed again if it fails.
   */
  public static SshServer start() throws IOException, InterruptedException {
    return start(SshServer::freePort, LOOPBACK, List.of());
  }

  /**
   * Starts a private sshd as {@link #start()} does, but listening on {@code listenAddress} (an IP
   * literal) and run as {@code commandPrefix} followed by the sshd command line, e.g. {@code ip
   * netns exec NS}, which must end by executing sshd itself (so the process started is sshd). The
   * port is one that was free on this machine's loopback: a fresh network namespace has all free.
   */
  public static SshServer start(String listenAddress, List<String> commandPrefix)
      throws IOException, InterruptedException {
    return start(SshServer::freePort, listenAddress, commandPrefix);
  }

  /** Where {@link #start(PortSource)} takes the port for each attempt from. */
  @FunctionalInterface
  interface PortSource {
    int next() throws IOException;
  }

  /** {@link #start()} with the ports to try coming from {@code ports} (tests of the retry). */
  static SshServer start(PortSource ports) throws IOException, InterruptedException {
    return start(ports, LOOPBACK, List.of());
  }

  private static SshServer start(PortSource ports, String listenAddress, List<String> commandPrefix)
      throws IOException, InterruptedException {
    if (!Files.isExecutable(SSHD)) {
      throw new IOException(SSHD + " not found: install openssh-server");
    }
    String user = LocalAccounts.currentUser();
    boolean root = LocalAccounts.isRoot();
    if (root && LocalAccounts.isLocked(user)) {
      throw new IllegalStateException(
          "account "
              + user
              + " is locked ('!' in /etc/shadow): sshd without PAM refuses it even with a key;"
              + " unlock it with: usermod -p '*' "
              + user);
    }
    Path dir =
        Files.createTempDirectory(
            "et-sshd-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    SshdFiles files = new SshdFiles(dir, listenAddress);
    Process sshd = null;
    try {
      if (root) {
        // sshd's privilege separation chroots its unprivileged child there; root-owned, not writable.
        Files.createDirectories(PRIVSEP_DIR);
        Files.setPosixFilePermissions(PRIVSEP_DIR, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      generateKey(files.hostKey(), "et-testkit-host");
      generateKey(files.clientKey(), "et-testkit-client");
      Files.copy(files.clientPublicKey(), files.authorizedKeys());
      boolean withoutPenalties = knowsPerSourcePenalties(files);
      for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
        int port = ports.next();
        Files.writeString(files.sshdConfig(), files.sshdConfigText(port, withoutPenalties));
        Files.deleteIfExists(files.log());
        long begin = System.nanoTime();
        sshd = launch(files, commandPrefix);
        switch (awaitListening(sshd, files, port)) {
          case LISTENING -> {
            writeClientFiles(files, port, user);
            Logger.info(
                "sshd pid {} listens on {}:{} after {} ms (dir {})",
                sshd.pid(),
                listenAddress,
                port,
                Duration.ofNanos(System.nanoTime() - begin).toMillis(),
                dir);
            return new SshServer(files, port, user, sshd);
          }
          case PORT_TAKEN -> {
            // Someone took the port between our probe and sshd's bind: try another one.
            Logger.info("port {} taken before sshd bound it; attempt {}", port, attempt);
            Processes.killTree(sshd.toHandle(), STOP_GRACE);
            sshd = null;
          }
          case FAILED -> throw new IOException("sshd did not start listening:\n" + read(files.log()));
        }
      }
      throw new IOException("sshd found no free port in " + START_ATTEMPTS + " attempts");
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      try {
        if (sshd != null) {
          Processes.killTree(sshd.toHandle(), STOP_GRACE);
        }
        deleteTree(dir);
      } catch (IOException | RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /**
   * Makes sure the local account {@code name} exists and can log in by key without PAM (see {@link
   * LocalAccounts#ensureUser}). Returns true when it was created. Root only.
   */
  public static boolean ensureUser(String name) {
    return LocalAccounts.ensureUser(name);
  }

  /**
   * Lets {@code name} log in to this server with the same client key: ensures the account, and
   * opens the directory for traversal (0711) and authorized_keys for reading (0644), because sshd
   * reads the authorized keys as the user logging in. The private keys stay readable by the owner
   * only. Returns true when the account was created. Root only.
   */
  public boolean addLoginUser(String name) throws IOException {
    boolean created = ensureUser(name);
    Files.setPosixFilePermissions(dir(), PosixFilePermissions.fromString("rwx--x--x"));
    Files.setPosixFilePermissions(files.authorizedKeys(), PosixFilePermissions.fromString("rw-r--r--"));
    return created;
  }

  /** The TCP port the server listens on. */
  public int port() {
    return port;
  }

  /** The IP address the server listens on. */
  public String listenAddress() {
    return files.listenAddress();
  }

  /** The ssh_config file clients use with {@code ssh -F}. */
  /** The client settings of {@link #clientConfig()} under another alias, to combine several servers in one file. */
  public String clientConfigText(String alias) {
    return files.clientConfigText(alias, port, user);
  }

  public Path clientConfig() {
    return files.clientConfig();
  }

  /** The known_hosts file holding this server's host key line. */
  public Path knownHosts() {
    return files.knownHosts();
  }

  /** The client's private key (ed25519, no passphrase). */
  public Path clientKey() {
    return files.clientKey();
  }

  /** {@code ssh -F <clientConfig>}: append options, {@value #HOST_ALIAS} and a command. */
  public List<String> sshCommand() {
    return List.of(SSH, "-F", files.clientConfig().toString());
  }

  /** The account clients log in as by default (the user running this JVM). */
  public String user() {
    return user;
  }

  /** The directory holding keys, configuration and log. */
  public Path dir() {
    return files.dir();
  }

  /** The sshd listener process; per-connection sshd processes are its descendants. */
  public ProcessHandle process() {
    return sshd.toHandle();
  }

  /** The sshd log so far (LogLevel VERBOSE). */
  public String log() {
    try {
      return read(files.log());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the sshd log contains {@code fragment}; false if it still does not at the timeout. */
  public boolean awaitLog(String fragment, Duration timeout) throws InterruptedException {
    return Poll.until(timeout, () -> log().contains(fragment));
  }

  /** Runs {@code remoteCommand} as {@link #user()} with stdin from /dev/null. */
  public CommandResult runSsh(String remoteCommand, Duration timeout) {
    return runSshAs(user, remoteCommand, null, timeout);
  }

  /** Runs {@code remoteCommand} as {@link #user()}, writing {@code stdin} to it and then closing it. */
  public CommandResult runSsh(String remoteCommand, byte[] stdin, Duration timeout) {
    return runSshAs(user, remoteCommand, stdin, timeout);
  }

  /**
   * Runs {@code ssh -F <config> -l <login> et-test -- <remoteCommand>} to its end (the remote shell
   * of {@code login} interprets the command) and returns status and output; status 255 means ssh
   * itself failed (refused, unreachable). Throws {@link CommandTimeoutException} past the timeout.
   */
  public CommandResult runSshAs(String login, String remoteCommand, byte[] stdin, Duration timeout) {
    return Commands.run(sshArguments(login, remoteCommand), stdin, timeout);
  }

  /**
   * Starts {@code ssh ... et-test -- <remoteCommand>} as {@code login} with all three streams
   * piped, for tests that talk to the remote command while it runs. The caller owns the process.
   */
  public Process startSsh(String login, String remoteCommand) throws IOException {
    return new ProcessBuilder(sshArguments(login, remoteCommand)).start();
  }

  private List<String> sshArguments(String login, String remoteCommand) {
    List<String> command = new ArrayList<>(sshCommand());
    command.addAll(List.of("-l", login, HOST_ALIAS, "--", remoteCommand));
    return command;
  }

  /**
   * Stops sshd and every process below it (sessions, their shells and commands), then deletes the
   * directory. Idempotent. Interrupted, it kills at once instead of waiting for a clean end, and
   * keeps the thread's interrupt status.
   */
  @Override
  public void close() throws IOException {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      if (!Processes.killTree(sshd.toHandle(), STOP_GRACE)) {
        Logger.warn("sshd pid {} or one of its sessions survived SIGKILL", sshd.pid());
      }
      sshd.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      sshd.descendants().forEach(ProcessHandle::destroyForcibly);
      sshd.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      deleteTree(files.dir());
    }
  }

  private enum Outcome {
    LISTENING,
    PORT_TAKEN,
    FAILED
  }

  private static Process launch(SshdFiles files, List<String> commandPrefix) throws IOException {
    // -D: stay in the foreground as our child; -E: log to the file instead of syslog. sshd's own
    // stderr (errors before the log is open) goes to the same file; both append.
    List<String> command = new ArrayList<>(commandPrefix);
    command.addAll(
        List.of(SSHD.toString(), "-D", "-f", files.sshdConfig().toString(), "-E", files.log().toString()));
    return new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(files.log().toFile()))
        .redirectErrorStream(true)
        .start();
  }

  private static Outcome awaitListening(Process sshd, SshdFiles files, int port)
      throws InterruptedException, IOException {
    String listening = "Server listening on " + files.listenAddress() + " port " + port + ".";
    Poll.until(LISTEN_TIMEOUT, () -> !sshd.isAlive() || logContains(files, listening));
    String log = read(files.log());
    if (log.contains(listening) && sshd.isAlive()) {
      return Outcome.LISTENING;
    }
    if (!sshd.isAlive() && log.contains("Address already in use")) {
      return Outcome.PORT_TAKEN;
    }
    return Outcome.FAILED;
  }

  private static boolean logContains(SshdFiles files, String fragment) {
    try {
      return Files.exists(files.log()) && read(files.log()).contains(fragment);
    } catch (IOException e) {
      return false;
    }
  }

  private static void generateKey(Path key, String comment) {
    Commands.check(
        List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", key.toString()),
        TOOL_TIMEOUT);
  }

  // OpenSSH 9.8 added PerSourcePenalties; older sshd rejects the keyword, so ask this one.
  private static boolean knowsPerSourcePenalties(SshdFiles files) throws IOException {
    Files.writeString(files.sshdConfig(), files.sshdConfigText(22, false));
    return Commands.run(
            List.of(SSHD.toString(), "-t", "-f", files.sshdConfig().toString(), "-o", "PerSourcePenalties=no"),
            TOOL_TIMEOUT)
        .succeeded();
  }

  private static void writeClientFiles(SshdFiles files, int port, String user) throws IOException {
    String hostKey = Files.readString(files.hostPublicKey());
    Files.writeString(files.knownHosts(), files.knownHostsText(port, hostKey));
    Files.writeString(files.clientConfig(), files.clientConfigText(HOST_ALIAS, port, user));
  }

  /** A loopback port the kernel just handed out and nobody held a moment ago; a server may still lose it. */
  public static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return probe.getLocalPort();
    }
  }

  private static String read(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
