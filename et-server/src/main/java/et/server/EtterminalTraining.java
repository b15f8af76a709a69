package et.server;

import et.server.host.HostConfig;
import et.server.host.ServerConf;
import et.server.host.SessionHost;
import et.server.request.HostLogging;
import et.server.request.HostPaths;
import et.terminal.BootstrapNonce;
import et.terminal.BootstrapRequest;
import et.terminal.ListRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The training run of etterminal's AOT cache (launcher/lib.sh, {@code et_record_aot_caches}): what a
 * real etterminal does, logging set up in a file and requests (the list of sessions, a new session)
 * handed to a session host and answered, in a scratch home and runtime directory, against a session
 * host in this JVM. Its classes then load from the cache, not the jars, at every etterminal
 * (docs/BENCHMARKS.md). Prints nothing.
 */
public final class EtterminalTraining {
  private EtterminalTraining() {}

  public static void main(String[] args) throws IOException {
    Path scratch = Files.createTempDirectory("et-etterminal-training");
    try {
      Map<String, String> env = Map.of(
          "HOME", scratch.resolve("home").toString(), "XDG_RUNTIME_DIR", scratch.resolve("run").toString());
      HostPaths paths = HostPaths.fromEnvironment(env);
      HostLogging.terminalToFile(paths.terminalLogFile(), "info");
      PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
      Etterminal.run(new String[] {"--version"}, new ByteArrayInputStream(new byte[0]), discard, discard, env);
      HostConfig config =
          HostConfig.of(paths, ServerConf.defaults()).withBind(InetAddress.getLoopbackAddress()).withPort(0);
      try (SessionHost host = SessionHost.start(config)) {
        for (String request : List.of(
            new ListRequest(BootstrapNonce.random()).toLine(),
            new BootstrapRequest(BootstrapNonce.random(), "xterm-256color", 80, 24, Optional.empty(), false,
                new LinkedHashMap<>()).toLine())) {
          Etterminal.run(new String[0], new ByteArrayInputStream((request + "\n").getBytes(StandardCharsets.ISO_8859_1)),
              discard, discard, env);
        }
      } catch (IOException e) {
        // No host here (no loopback where packages are built, say): a cache of the rest is still a cache.
      }
    } finally {
      try (Stream<Path> files = Files.walk(scratch)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }
}
