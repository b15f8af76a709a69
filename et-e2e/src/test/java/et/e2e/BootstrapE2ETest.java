package et.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.CommandResult;
import et.testkit.EtHostSandbox;
import et.testkit.LocalAccounts;
import et.testkit.SshServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bootstrap's rough edges end to end: a {@code .bashrc} that prints (even a fake marker line)
 * where bash really reads it for {@code ssh host cmd}, a missing etterminal, and an ssh that fails.
 *
 * <p>The noisy {@code .bashrc} must be the login account's real one: bash finds it through the
 * HOME that sshd sets from the passwd entry, before the wrapper's HOME applies. So that test logs in
 * as et-testkit's extra account ({@value #NOISY_USER}, created and removed here), never touching
 * this user's own ~/.bashrc.
 */
@EnabledOnOs(OS.LINUX)
class BootstrapE2ETest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String NOISY_USER = "et-e2e-noisy";

  @TempDir static Path base;
  private static RemoteHost host;
  private static boolean noisyUserCreated;

  @BeforeAll
  static void startHost() throws Exception {
    host = RemoteHost.start(base);
  }

  @AfterAll
  static void stopHost() throws Exception {
    try {
      if (LocalAccounts.exists(NOISY_USER)) {
        stopHostOf(LocalAccounts.home(NOISY_USER));
        if (noisyUserCreated) {
          LocalAccounts.deleteUser(NOISY_USER);
        }
      }
    } finally {
      if (host != null) {
        host.close();
      }
    }
  }

  @Test
  void aMissingEtterminalIsNamedWithTheOptionToSetIt() throws Exception {
    try (EtProcess et = EtProcess.start(host.etCommandWith("/nonexistent/etterminal", "-c", "true"))) {
      et.stdin().close();
      int status = et.awaitExit(DEADLINE);
      assertTrue(et.stderr().contains("/nonexistent/etterminal not found on 127.0.0.1 (set --terminal-path)"), et.stderr());
      assertTrue(status != 0, "status " + status);
    }
  }

  @Test
  void aFailingSshShowsSshsErrorAndExits255() throws Exception {
    // Port 1 on loopback: nothing listens, ssh's connect is refused (command line beats ssh_config).
    String ssh = host.sshShell() + " -p 1";
    try (EtProcess et = EtProcess.start(RemoteHost.etCommandAs(host.sshd().user(), ssh, "etterminal", "-c", "true"))) {
      et.stdin().close();
      assertEquals(255, et.awaitExit(DEADLINE), et.stderr());
      assertTrue(et.stderr().contains("Connection refused"), et.stderr());
    }
  }

  @Test
  void bashrcNoiseAndAFakeMarkerDoNotBreakTheBootstrap() throws Exception {
    noisyUserCreated |= host.sshd().addLoginUser(NOISY_USER);
    Path home = LocalAccounts.home(NOISY_USER);
    UserPrincipal owner = home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(NOISY_USER);
    Path wrapper = home.resolve("etterminal-e2e");
    Files.writeString(wrapper, String.join("\n",
        "#!/bin/sh",
        "export XDG_RUNTIME_DIR=\"$HOME/xdg\"",
        "mkdir -p -m 700 \"$XDG_RUNTIME_DIR\"",
        "export ET_HOST_IDLE_EXIT=120",
        "exec '" + RemoteHost.ETTERMINAL + "' \"$@\"",
        ""));
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
    Files.setOwner(wrapper, owner);
    Path conf = Files.createDirectories(home.resolve(".config/et")).resolve("server.conf");
    Files.writeString(conf, "port=" + SshServer.freePort() + "\nbind=127.0.0.1\n");
    Path bashrc = home.resolve(".bashrc");
    String fakeMarker = "ET1 SESSION nonce=00000000000000000000000000000000 id=00000000000000000000000000000000"
        + " secret=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA port=1";

    for (String noise : new String[] {"hello from .bashrc", fakeMarker}) {
      Files.writeString(bashrc, "echo '" + noise + "'\n");
      // Real: bash does read this .bashrc for `ssh host cmd`, and it lands on the command's stdout.
      CommandResult plain = host.sshd().runSshAs(NOISY_USER, "echo cmd-ran", null, DEADLINE);
      assertEquals(noise + "\ncmd-ran\n", plain.stdout(), "bash did not print the .bashrc noise for ssh host cmd: " + plain);

      String ssh = host.sshShell();
      try (EtProcess et = EtProcess.start(RemoteHost.etCommandAs(NOISY_USER, ssh, wrapper.toString(), "-c", "echo through-et"))) {
        et.stdin().close();
        String out = new String(et.stdout().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, et.awaitExit(DEADLINE), "stderr: " + et.stderr() + "; stdout: " + out + "; host log: " + EtHostSandbox.hostLog(home));
        assertTrue(out.endsWith("through-et\n"), out);
      }
    }
  }

  private static void stopHostOf(Path home) throws IOException, InterruptedException {
    EtHostSandbox.stopSessionHost(home.resolve("xdg"));
  }

}
