package et.client.testing;

import et.core.SessionCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A stand-in for ssh, given to et with {@code --ssh}: a bash script in a test's private directory
 * (mode 0700, like the directory) that plays ssh and the remote etterminal at once. It records its
 * arguments in {@code argv}, the request line it read in {@code request}, and whether its stdin
 * ended right after that line in {@code stdin-after} ("eof", "more" or "timeout").
 *
 * <p>Asked for its configuration ({@code -G}, as et does to find where the host leads), a script
 * answers as ssh does with no configuration: {@code hostname} is the host it was given (its last
 * argument). It records those arguments in {@code argv-G} and leaves the other records alone.
 *
 * <p>{@link #answering} writes a session's id and secret into the script: test-only credentials of a
 * session the test made itself, in a directory only this user can read.
 */
public final class FakeSsh {

  /** Answers a configuration query, as ssh without a config file would. */
  private static final String ANSWER_CONFIG_QUERY = """
      case " $* " in *" -G "*) printf '%s\\n' "$@" > "$dir/argv-G"; printf 'hostname %s\\n' "${@: -1}"; exit 0;; esac
      """;

  /** Reads and records the request line; sets {@code $nonce}. */
  private static final String READ_REQUEST = """
      printf '%s\\n' "$@" > "$dir/argv"
      IFS= read -r line
      printf '%s\\n' "$line" > "$dir/request"
      if IFS= read -r -t 5 more; then echo more; elif [ $? -gt 128 ]; then echo timeout; else echo eof; fi > "$dir/stdin-after"
      nonce=$(printf '%s\\n' "$line" | sed -n 's/.* nonce=\\([0-9a-f]\\{32\\}\\).*/\\1/p')
      """;

  private final Path dir;

  private FakeSsh(Path dir) {
    this.dir = dir;
  }

  /** Fake ssh scripts live in {@code dir}, which the caller made private (JUnit's @TempDir is 0700). */
  public static FakeSsh in(Path dir) {
    return new FakeSsh(dir);
  }

  /**
   * A script that reads the request, then prints {@code body} (bash, with {@code $nonce} and
   * {@code $dir} set) and exits as it says.
   */
  public Path script(String name, String body) throws IOException {
    Path script = dir.resolve(name);
    String text = "#!/bin/bash\nset -u\ndir='" + dir + "'\n" + ANSWER_CONFIG_QUERY + READ_REQUEST + body + "\n";
    Files.writeString(script, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  /** A script that prints some noise, a forged answer with another nonce, then the real answer. */
  public Path answering(SessionCredentials credentials, int port) throws IOException {
    return script("ssh-answering", """
        echo "Welcome to the fake host"
        echo "ET1 SESSION nonce=00000000000000000000000000000000 id=%1$s secret=%2$s port=1"
        echo "ET1 SESSION nonce=$nonce id=%1$s secret=%2$s port=%3$d"
        echo "noise after the answer"
        exit 0""".formatted(credentials.id(), credentials.encodedSecret(), port));
  }

  /** A script that does not even read the request (ssh failing before it connects). */
  public Path failingAtOnce(String name, String body) throws IOException {
    Path script = dir.resolve(name);
    Files.writeString(script, "#!/bin/bash\n" + body + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  /** The arguments of the configuration query ({@code -G}), one per element. */
  public List<String> configQueryArgv() throws IOException {
    return Files.readAllLines(dir.resolve("argv-G"));
  }

  /** The request line the script read. */
  public String request() throws IOException {
    return Files.readString(dir.resolve("request")).strip();
  }

  /** The arguments ssh was given, one per element. */
  public List<String> argv() throws IOException {
    return Files.readAllLines(dir.resolve("argv"));
  }

  /** What the script's stdin did after the request line: "eof", "more" or "timeout". */
  public String stdinAfterRequest() throws IOException {
    return Files.readString(dir.resolve("stdin-after")).strip();
  }
}
