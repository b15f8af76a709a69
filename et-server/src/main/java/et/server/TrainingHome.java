package et.server;

import et.server.request.HostPaths;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A scratch home and runtime directory for a training run of an AOT cache ({@link AotTraining},
 * {@link EtterminalTraining}), with the environment that names them; closing deletes them.
 */
final class TrainingHome implements AutoCloseable {
  private final Path scratch;
  private final Map<String, String> env;

  TrainingHome(String prefix) throws IOException {
    scratch = Files.createTempDirectory(prefix);
    env = Map.of("HOME", scratch.resolve("home").toString(), "XDG_RUNTIME_DIR", scratch.resolve("run").toString());
  }

  Map<String, String> env() {
    return env;
  }

  HostPaths paths() {
    return HostPaths.fromEnvironment(env);
  }

  /** etterminal's answer (its stdout) to {@code request}, handed to this home's session host as ssh hands one. */
  String ask(String request) {
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    Etterminal.run(new String[0], new ByteArrayInputStream((request + "\n").getBytes(StandardCharsets.ISO_8859_1)),
        new PrintStream(answer), new PrintStream(OutputStream.nullOutputStream()), env);
    return answer.toString(StandardCharsets.ISO_8859_1).strip();
  }

  @Override
  public void close() throws IOException {
    try (Stream<Path> files = Files.walk(scratch)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
