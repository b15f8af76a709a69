package et.server.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.security.auth.module.UnixSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoginShellTest {
  private static final long UID = new UnixSystem().getUid();

  @Test
  void anExecutableShellFromTheEnvironmentWins() {
    assertEquals("/bin/sh", LoginShell.choose("/bin/sh"));
  }

  @Test
  void withoutAUsableShellInTheEnvironmentTheAccountsShellIsUsed() throws Exception {
    String account = LoginShell.accountShell(UID).orElseThrow();
    String expected = Files.isExecutable(Path.of(account)) ? account : "/bin/sh";
    assertEquals(expected, LoginShell.choose(null));
    assertEquals(expected, LoginShell.choose(""));
    assertEquals(expected, LoginShell.choose("/no/such/shell"));
    assertEquals(expected, LoginShell.choose("bash")); // not a path: sshd would not run it either
  }

  @Test
  void theAccountsShellIsField7OfItsPasswdEntry() throws Exception {
    String entry = Files.readAllLines(Path.of("/etc/passwd")).stream()
        .filter(line -> line.split(":", -1)[2].equals(Long.toString(UID)))
        .findFirst()
        .orElse(null);
    if (entry != null) {
      assertEquals(Optional.of(entry.split(":", -1)[6]), LoginShell.accountShell(UID));
    }
    assertTrue(LoginShell.accountShell(4_000_000_000L).isEmpty(), "no such account");
  }
}
