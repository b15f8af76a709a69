package et.testkit;

import java.nio.file.Path;

/**
 * The files of one private sshd, all inside its own directory, and the text of the configuration
 * files: the server's sshd_config and the clients' ssh_config and known_hosts. Pure: writes nothing.
 *
 * @param listenAddress the one IP address sshd listens on (127.0.0.1 unless the server runs in a
 *     network namespace of a test)
 */
record SshdFiles(Path dir, String listenAddress) {

  Path hostKey() {
    return dir.resolve("host_ed25519");
  }

  Path hostPublicKey() {
    return dir.resolve("host_ed25519.pub");
  }

  Path clientKey() {
    return dir.resolve("id_ed25519");
  }

  Path clientPublicKey() {
    return dir.resolve("id_ed25519.pub");
  }

  Path authorizedKeys() {
    return dir.resolve("authorized_keys");
  }

  Path knownHosts() {
    return dir.resolve("known_hosts");
  }

  Path sshdConfig() {
    return dir.resolve("sshd_config");
  }

  Path clientConfig() {
    return dir.resolve("ssh_config");
  }

  Path log() {
    return dir.resolve("sshd.log");
  }

  Path pidFile() {
    return dir.resolve("sshd.pid");
  }

  /**
   * The server's configuration: one listen address (loopback unless in a test's namespace), one host key, keys from our authorized_keys only,
   * no PAM (so no password prompts and no system login policy), verbose log.
   *
   * @param withoutPerSourcePenalties add "PerSourcePenalties no" (OpenSSH 9.8+ knows it): tests
   *     that fail logins on purpose must not get 127.0.0.1 penalised for the tests after them
   */
  String sshdConfigText(int port, boolean withoutPerSourcePenalties) {
    return """
        # Private sshd for et tests; written by et.testkit.SshServer.
        ListenAddress %s
        Port %d
        HostKey %s
        PidFile %s
        AuthorizedKeysFile %s
        # The directory is in /tmp and may be traversable by others: do not let sshd refuse it.
        StrictModes no
        UsePAM no
        PubkeyAuthentication yes
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        # Tests run as root; without PAM a key is the only way in anyway.
        PermitRootLogin prohibit-password
        X11Forwarding no
        AllowTcpForwarding yes
        PrintMotd no
        PrintLastLog no
        UseDNS no
        # Many quick logins from parallel tests must not be dropped as a flood.
        MaxStartups 100:30:200
        MaxSessions 64
        LogLevel VERBOSE
        %s"""
        .formatted(
            listenAddress,
            port,
            quoted(hostKey()),
            quoted(pidFile()),
            quoted(authorizedKeys()),
            withoutPerSourcePenalties ? "PerSourcePenalties no\n" : "");
  }

  /**
   * The clients' configuration: the alias {@code hostAlias} and the listen address both lead to this
   * server as {@code user} with our key, checking the host key strictly against our known_hosts,
   * never asking anything (BatchMode) and never sharing connections.
   */
  String clientConfigText(String hostAlias, int port, String user) {
    return """
        # Client settings for the private sshd of et tests; use with ssh -F THIS_FILE.
        Host %s %s
          HostName %s
          Port %d
          User %s
          IdentityFile %s
          IdentitiesOnly yes
          UserKnownHostsFile %s
          GlobalKnownHostsFile /dev/null
          StrictHostKeyChecking yes
          BatchMode yes
          ControlMaster no
          ControlPath none
          LogLevel ERROR
        """
        .formatted(
            hostAlias,
            listenAddress,
            listenAddress,
            port,
            user,
            quoted(clientKey()),
            quoted(knownHosts()));
  }

  /**
   * The known_hosts line for this server: ssh looks a non-default port up as "[host]:port".
   *
   * @param hostPublicKey the content of the host's .pub file ("type base64 comment")
   */
  String knownHostsText(int port, String hostPublicKey) {
    String[] parts = hostPublicKey.strip().split("\\s+");
    return "[%s]:%d %s %s%n".formatted(listenAddress, port, parts[0], parts[1]);
  }

  // Both config parsers accept double quotes; they keep a path with spaces in one argument.
  private static String quoted(Path path) {
    return "\"" + path + "\"";
  }
}
