package et.terminal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.regex.Pattern;

/**
 * The one line the client writes to etterminal's stdin over ssh (docs/TERMINAL.md):
 *
 * <pre>ET1 REQUEST nonce=&lt;32 hex&gt; term=&lt;TERM&gt; cols=&lt;n&gt; rows=&lt;n&gt; [command=&lt;cmd&gt;] [noexit=1] [noprogram=1] [agent=1] [killothers=1] [via=&lt;hop,...&gt;] [env=&lt;NAME=VALUE&gt;]...</pre>
 *
 * Values are percent-encoded UTF-8 ({@link PercentCodec}); an {@code env} field is the variable's
 * name, a literal {@code =} and its encoded value ({@code env=LANG=C.UTF-8}). Every instance satisfies the caps (the
 * constructor throws IllegalArgumentException otherwise), so {@link #toLine()} always gives a line
 * that {@link #parse(String)} accepts. {@code env} keeps its order; the record holds a read-only copy.
 * {@code noProgram}: the session runs no program and carries forwarded connections only ({@code et
 * -N}); it takes no command. {@code forwardAgent}: the program gets SSH_AUTH_SOCK for a socket whose
 * connections reach the client's ssh agent ({@code et -A}). {@code killOthers}: the host first ends
 * the user's other sessions ({@code et -x}).
 */
public record BootstrapRequest(
    BootstrapNonce nonce,
    String term,
    int cols,
    int rows,
    Optional<String> command,
    boolean noexit,
    SequencedMap<String, String> env,
    boolean noProgram,
    boolean forwardAgent,
    boolean killOthers,
    Optional<JumpPath> via) implements HostRequest {

  public static final String KIND = "REQUEST";
  public static final int MAX_TERM_BYTES = 64;
  public static final int MAX_SIZE = 10_000;
  public static final int MAX_ENV = 64;

  private static final Pattern TERM = Pattern.compile("[A-Za-z0-9._+-]{1," + MAX_TERM_BYTES + "}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Map<String, Integer> MAX_COUNTS =
      Map.ofEntries(Map.entry("nonce", 1), Map.entry("term", 1), Map.entry("cols", 1), Map.entry("rows", 1),
          Map.entry("command", 1), Map.entry("noexit", 1), Map.entry("noprogram", 1), Map.entry("agent", 1),
          Map.entry("killothers", 1), Map.entry("via", 1), Map.entry("env", MAX_ENV));
  private static final List<String> REQUIRED = List.of("nonce", "term", "cols", "rows");

  public BootstrapRequest {
    Objects.requireNonNull(nonce, "nonce");
    Objects.requireNonNull(term, "term");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(via, "via");
    env = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(env));
    try {
      checkTerm(term);
      checkSize("cols", cols);
      checkSize("rows", rows);
      if (command.isPresent()) {
        checkCommand(command.get());
      }
      if (noProgram && (command.isPresent() || noexit)) {
        throw new BootstrapException("noprogram takes no command and no noexit");
      }
      if (env.size() > MAX_ENV) {
        throw new BootstrapException("more than " + MAX_ENV + " env fields: " + env.size());
      }
      for (Map.Entry<String, String> entry : env.entrySet()) {
        checkEnv(Objects.requireNonNull(entry.getKey(), "env name"), Objects.requireNonNull(entry.getValue(), "env value"));
      }
      int length = line(nonce, term, cols, rows, command, noexit, env, noProgram, forwardAgent, killOthers, via).length();
      if (length > BootstrapLine.MAX_LINE_BYTES) {
        throw new BootstrapException(
            "line would be " + length + " bytes long, more than " + BootstrapLine.MAX_LINE_BYTES);
      }
    } catch (BootstrapException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** A request that runs a program (the login shell, or {@code command}). */
  public BootstrapRequest(
      BootstrapNonce nonce, String term, int cols, int rows, Optional<String> command, boolean noexit,
      SequencedMap<String, String> env) {
    this(nonce, term, cols, rows, command, noexit, env, false, false);
  }

  /** A request that leaves the user's other sessions alone. */
  public BootstrapRequest(
      BootstrapNonce nonce, String term, int cols, int rows, Optional<String> command, boolean noexit,
      SequencedMap<String, String> env, boolean noProgram, boolean forwardAgent) {
    this(nonce, term, cols, rows, command, noexit, env, noProgram, forwardAgent, false);
  }

  /** A request that comes through no jump host. */
  public BootstrapRequest(
      BootstrapNonce nonce, String term, int cols, int rows, Optional<String> command, boolean noexit,
      SequencedMap<String, String> env, boolean noProgram, boolean forwardAgent, boolean killOthers) {
    this(nonce, term, cols, rows, command, noexit, env, noProgram, forwardAgent, killOthers, Optional.empty());
  }

  /** This request, asking the host to end the user's other sessions first. */
  public BootstrapRequest withKillOthers() {
    return new BootstrapRequest(nonce, term, cols, rows, command, noexit, env, noProgram, forwardAgent, true, via);
  }

  /** This request, saying it comes through the jump hosts {@code path}. */
  public BootstrapRequest withVia(JumpPath path) {
    return new BootstrapRequest(nonce, term, cols, rows, command, noexit, env, noProgram, forwardAgent, killOthers,
        Optional.of(path));
  }

  /** A request with a fresh random nonce; IllegalArgumentException when a value breaks a cap. */
  public static BootstrapRequest create(
      String term, int cols, int rows, Optional<String> command, boolean noexit, SequencedMap<String, String> env,
      boolean noProgram, boolean forwardAgent) {
    return new BootstrapRequest(BootstrapNonce.random(), term, cols, rows, command, noexit, env, noProgram, forwardAgent);
  }

  /** The line to write to etterminal's stdin, without its line terminator. */
  @Override
  public String toLine() {
    return line(nonce, term, cols, rows, command, noexit, env, noProgram, forwardAgent, killOthers, via);
  }

  /**
   * The request {@code line} (without terminator) carries. Checks every cap before building
   * anything: the line's length first, then its characters, which fields appear how often, then
   * each value in turn.
   */
  public static BootstrapRequest parse(String line) throws BootstrapException {
    BootstrapLine.Split split = BootstrapLine.split(line);
    BootstrapLine.expectKind(split, KIND);
    Map<String, List<String>> fields = BootstrapLine.group(split, MAX_COUNTS, REQUIRED);

    BootstrapNonce nonce = BootstrapNonce.parse(decoded(fields, "nonce"));
    String term = decoded(fields, "term");
    checkTerm(term);
    int cols = BootstrapLine.number("cols", decoded(fields, "cols"), 1, MAX_SIZE);
    int rows = BootstrapLine.number("rows", decoded(fields, "rows"), 1, MAX_SIZE);
    Optional<String> command = Optional.empty();
    if (fields.containsKey("command")) {
      command = Optional.of(decoded(fields, "command"));
      checkCommand(command.get());
    }
    boolean noexit = flag(fields, "noexit");
    boolean noProgram = flag(fields, "noprogram");
    boolean forwardAgent = flag(fields, "agent");
    boolean killOthers = flag(fields, "killothers");
    Optional<JumpPath> via = Optional.empty();
    if (fields.containsKey("via")) {
      via = Optional.of(JumpPath.parse(decoded(fields, "via")));
    }
    SequencedMap<String, String> env = new LinkedHashMap<>();
    for (String entry : fields.getOrDefault("env", List.of())) {
      // NAME, a literal '=', the encoded VALUE: names cannot contain '=', so the first one ends it.
      int equals = entry.indexOf('=');
      if (equals < 0) {
        throw new BootstrapException("env must be NAME=VALUE: " + Shown.value(entry));
      }
      String name = entry.substring(0, equals);
      checkEnvName(name);
      String value = PercentCodec.decode(entry.substring(equals + 1), "env " + name);
      checkEnv(name, value);
      if (env.putIfAbsent(name, value) != null) {
        throw new BootstrapException("env " + name + " appears more than once");
      }
    }
    if (noProgram && (command.isPresent() || noexit)) {
      throw new BootstrapException("noprogram takes no command and no noexit");
    }
    return new BootstrapRequest(nonce, term, cols, rows, command, noexit, env, noProgram, forwardAgent, killOthers, via);
  }

  /** A field that is either absent or "1". */
  private static boolean flag(Map<String, List<String>> fields, String key) throws BootstrapException {
    if (!fields.containsKey(key)) {
      return false;
    }
    String value = decoded(fields, key);
    if (!value.equals("1")) {
      throw new BootstrapException(key + " must be 1 when present: " + Shown.value(value));
    }
    return true;
  }

  private static String decoded(Map<String, List<String>> fields, String key) throws BootstrapException {
    return PercentCodec.decode(fields.get(key).getFirst(), key);
  }

  private static String line(
      BootstrapNonce nonce,
      String term,
      int cols,
      int rows,
      Optional<String> command,
      boolean noexit,
      Map<String, String> env,
      boolean noProgram,
      boolean forwardAgent,
      boolean killOthers,
      Optional<JumpPath> via) {
    StringBuilder line = new StringBuilder(BootstrapLine.PREFIX).append(KIND);
    line.append(" nonce=").append(nonce);
    line.append(" term=").append(PercentCodec.encode(term));
    line.append(" cols=").append(cols).append(" rows=").append(rows);
    command.ifPresent(text -> line.append(" command=").append(PercentCodec.encode(text)));
    if (noexit) {
      line.append(" noexit=1");
    }
    if (noProgram) {
      line.append(" noprogram=1");
    }
    if (forwardAgent) {
      line.append(" agent=1");
    }
    if (killOthers) {
      line.append(" killothers=1");
    }
    via.ifPresent(path -> line.append(" via=").append(PercentCodec.encode(path.toString())));
    // The separator stays a literal '=': names are unreserved characters only, values are encoded.
    env.forEach((name, value) -> line.append(" env=").append(name).append('=').append(PercentCodec.encode(value)));
    return line.toString();
  }

  private static void checkTerm(String term) throws BootstrapException {
    if (!TERM.matcher(term).matches()) {
      throw new BootstrapException(
          "term must be 1.." + MAX_TERM_BYTES + " characters of [A-Za-z0-9._+-]: " + Shown.value(term));
    }
  }

  private static void checkSize(String field, int value) throws BootstrapException {
    if (value < 1 || value > MAX_SIZE) {
      throw new BootstrapException(field + " must be in 1.." + MAX_SIZE + ": " + value);
    }
  }

  private static void checkCommand(String command) throws BootstrapException {
    if (command.isEmpty()) {
      throw new BootstrapException("command is empty (leave it out to run the login shell)");
    }
    checkText("command", command);
  }

  private static void checkEnv(String name, String value) throws BootstrapException {
    checkEnvName(name);
    checkText("env " + name, value);
  }

  private static void checkEnvName(String name) throws BootstrapException {
    if (!ENV_NAME.matcher(name).matches()) {
      throw new BootstrapException("env name must match [A-Za-z_][A-Za-z0-9_]*: " + Shown.value(name));
    }
  }

  // The server hands these strings to exec and the environment, which end a string at NUL.
  private static void checkText(String field, String text) throws BootstrapException {
    if (text.indexOf('\0') >= 0) {
      throw new BootstrapException(field + " contains a NUL character: " + Shown.value(text));
    }
    if (!PercentCodec.isWellFormed(text)) {
      throw new BootstrapException(field + " has an unpaired surrogate: " + Shown.value(text));
    }
  }
}
