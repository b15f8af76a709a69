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
import java.util.LinkedHashMap;
import java.util.Optional;

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
    try (TrainingHome home = new TrainingHome("et-etterminal-training")) {
      HostPaths paths = home.paths();
      HostLogging.terminalToFile(paths.terminalLogFile(), "info");
      PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
      Etterminal.run(new String[] {"--version"}, new ByteArrayInputStream(new byte[0]), discard, discard, home.env());
      HostConfig config =
          HostConfig.of(paths, ServerConf.defaults()).withBind(InetAddress.getLoopbackAddress()).withPort(0);
      try (SessionHost host = SessionHost.start(config)) {
        home.ask(new ListRequest(BootstrapNonce.random()).toLine());
        home.ask(new BootstrapRequest(BootstrapNonce.random(), "xterm-256color", 80, 24, Optional.empty(), false,
            new LinkedHashMap<>()).toLine());
      } catch (IOException e) {
        // No host here (no loopback where packages are built, say): a cache of the rest is still a cache.
      }
    }
  }
}
