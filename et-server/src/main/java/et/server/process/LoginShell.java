package et.server.process;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.tinylog.Logger;

/**
 * The user's login shell, chosen as sshd and login do: {@code $SHELL} when it names an executable
 * (sshd sets it from the account), else the account's shell from the user database ({@code getent
 * passwd}, so NSS accounts count too), else {@code /bin/sh}.
 */
final class LoginShell {
  private static final String FALLBACK = "/bin/sh";
  private static final long GETENT_TIMEOUT_SECONDS = 5;
  /** Looked up once: the account's shell does not change while the host runs. */
  private static final String SHELL = choose(System.getenv("SHELL"));

  private LoginShell() {}

  static String path() {
    return SHELL;
  }

  static String choose(String environmentShell) {
    if (isExecutable(environmentShell)) {
      return environmentShell;
    }
    Optional<String> account = accountShell(new UnixSystem().getUid());
    if (account.isPresent() && isExecutable(account.get())) {
      return account.get();
    }
    Logger.info("no usable login shell in $SHELL or the user database; using {}", FALLBACK);
    return FALLBACK;
  }

  /** Field 7 of {@code getent passwd UID}, if the lookup works. */
  static Optional<String> accountShell(long uid) {
    try {
      Process getent = new ProcessBuilder("getent", "passwd", Long.toString(uid))
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      byte[] out = getent.getInputStream().readNBytes(64 * 1024);
      if (!getent.waitFor(GETENT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        getent.destroyForcibly();
        Logger.warn("getent passwd {} did not answer within {} s", uid, GETENT_TIMEOUT_SECONDS);
        return Optional.empty();
      }
      String[] fields = new String(out, StandardCharsets.UTF_8).strip().split(":", -1);
      return getent.exitValue() == 0 && fields.length == 7 ? Optional.of(fields[6]) : Optional.empty();
    } catch (IOException e) {
      Logger.warn("could not look up the login shell of uid {}: {}", uid, e.toString());
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static boolean isExecutable(String shell) {
    return shell != null && !shell.isBlank() && shell.startsWith("/") && Files.isExecutable(Path.of(shell));
  }
}
