package et.bench;

import et.core.SessionCredentials;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** The relay benchmark's relay: a {@link ChildJvm} running {@link RelayServer}. */
final class RelayServerProcess implements AutoCloseable {
  private static final List<String> CHILD_HEAP = List.of("-Xmx256m");
  private static final Duration ANSWER_WAIT = Duration.ofSeconds(60);

  private final ChildJvm child;
  private final int port;

  private RelayServerProcess(ChildJvm child, int port) {
    this.child = child;
    this.port = port;
  }

  static RelayServerProcess start() throws IOException, InterruptedException {
    ChildJvm.Listening started = ChildJvm.startListening(RelayServer.class, CHILD_HEAP, ANSWER_WAIT);
    return new RelayServerProcess(started.child(), started.port());
  }

  int port() {
    return port;
  }

  /** The relay process's CPU, to read around a transfer. */
  ProcessCpu cpu() {
    return new ProcessCpu("relay", List.of(child.handle()));
  }

  /** A grant the relay made for {@code host}, read from its stdout. */
  SessionCredentials grant(String host) throws IOException, InterruptedException {
    child.send("GRANT " + host);
    child.flush();
    String[] words = child.expect("GRANT", ANSWER_WAIT).split(" ");
    return SessionCredentials.decode(words[0], words[1]);
  }

  @Override
  public void close() {
    child.close();
  }
}
