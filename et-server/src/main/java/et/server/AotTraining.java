package et.server;

import et.core.Channel;
import et.core.EternalClient;
import et.core.Session;
import et.core.SessionOptions;
import et.server.host.HostConfig;
import et.server.host.ServerConf;
import et.server.host.SessionHost;
import et.server.request.HostConnector;
import et.server.request.HostLogging;
import et.server.request.HostPaths;
import et.terminal.BootstrapException;
import et.terminal.BootstrapNonce;
import et.terminal.BootstrapReply;
import et.terminal.BootstrapRequest;
import et.terminal.ListRequest;
import et.terminal.ResizeEvent;
import et.terminal.TerminalChannels;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * The training run of the session host's AOT cache (launcher/lib.sh, {@code et_record_aot_caches}):
 * what a first run makes a new host do, then {@link HostWarmup#train}. First {@code et-host --help};
 * then, in a scratch home and runtime directory, logging set up in files, the configuration read,
 * a {@link SessionHost} started, a list asked for as a first contact asks ({@link FirstContact}),
 * and a session requested through etterminal's code and run to its
 * end in each mode (a command in a terminal, then on pipes) by an et.core client in this JVM. The classes
 * of a host's start and of its first session then load from the cache, not the jars, and, as JDK
 * 25 records them (JEP 515), the profiles of the keystroke path the JIT had fully compiled come
 * with it (docs/BENCHMARKS.md). Prints nothing.
 */
public final class AotTraining {
  /** A program that does not end (a profile waiting for input, say) leaves the session to closing. */
  private static final Duration SESSION_DEADLINE = Duration.ofSeconds(30);
  private static final String COMMAND = "true";

  private AotTraining() {}

  public static void main(String[] args) throws Exception {
    PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
    EtHost.run(new String[] {"--help"}, discard, discard);
    firstRun();
    HostWarmup.train(Path.of(System.getProperty("user.home")));
  }

  private static void firstRun() throws IOException, InterruptedException {
    try (TrainingHome home = new TrainingHome("et-host-training")) {
      HostPaths paths = home.paths();
      HostLogging.hostToFiles(paths.logFile(), "info");
      HostConfig config = HostConfig.of(paths, ServerConf.read(paths.configFile()))
          .withBind(InetAddress.getLoopbackAddress())
          .withPort(0);
      try (SessionHost host = SessionHost.start(config)) {
        // A first contact's answer, as et-host --first-contact gives it.
        byte[] list = (new ListRequest(BootstrapNonce.random()).toLine() + "\n").getBytes(StandardCharsets.US_ASCII);
        FirstContact.answer(new ByteArrayInputStream(list), new PrintStream(OutputStream.nullOutputStream()),
            new HostConnector(paths, () -> {
              throw new IOException("not in the training");
            }));
        runSession(home, config.sessionOptions(), List.of(TerminalChannels.TERMINAL, TerminalChannels.RESIZE));
        runSession(home, config.sessionOptions(),
            List.of(TerminalChannels.STDIN, TerminalChannels.STDOUT, TerminalChannels.STDERR));
      } catch (IOException | BootstrapException e) {
        // No host here (no loopback where packages are built, say): a cache of the rest is still a cache.
      }
    }
  }

  /** Requests a session running {@link #COMMAND}, opens {@code labels} as a client does, awaits its end. */
  private static void runSession(TrainingHome home, SessionOptions options, List<String> labels)
      throws IOException, BootstrapException, InterruptedException {
    String request = new BootstrapRequest(
        BootstrapNonce.random(), "xterm-256color", 80, 24, Optional.of(COMMAND), false, new LinkedHashMap<>()).toLine();
    if (!(BootstrapReply.parse(home.ask(request)) instanceof BootstrapReply.Session reply)) {
      throw new IOException("the host refused the training's request");
    }
    try (Session client = EternalClient.connect(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), reply.port()), reply.credentials(), options)) {
      for (String label : labels) {
        Channel channel = client.openChannel(label);
        switch (label) {
          case TerminalChannels.RESIZE -> channel.output().write(new ResizeEvent(80, 24).encode());
          case TerminalChannels.STDIN -> channel.shutdownOutput();
          default -> {} // the program's output: the host sends it within the channel's window
        }
      }
      client.awaitEnd(SESSION_DEADLINE);
    }
  }
}
