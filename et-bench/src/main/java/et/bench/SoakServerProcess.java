package et.bench;

import et.core.SessionCredentials;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** The soak benchmark's server: a {@link ChildJvm} running {@link SoakServer}. */
final class SoakServerProcess implements AutoCloseable {
  /**
   * A fixed heap, touched at start: the RSS then grows only with what lies outside the heap
   * (metaspace, code, thread stacks, native buffers), and the heap itself is read after GC.
   */
  private static final List<String> CHILD_HEAP = List.of("-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch");
  private static final Duration ANSWER_WAIT = Duration.ofSeconds(60);

  private final ChildJvm child;
  private final int port;

  private SoakServerProcess(ChildJvm child, int port) {
    this.child = child;
    this.port = port;
  }

  static SoakServerProcess start() throws IOException, InterruptedException {
    ChildJvm.Listening started = ChildJvm.startListening(SoakServer.class, CHILD_HEAP, ANSWER_WAIT);
    return new SoakServerProcess(started.child(), started.port());
  }

  int port() {
    return port;
  }

  ProcessHandle handle() {
    return child.handle();
  }

  /** Makes {@code count} sessions on the server; returns their credentials, read from its stdout. */
  List<SessionCredentials> newSessions(int count) throws IOException, InterruptedException {
    for (int i = 0; i < count; i++) {
      child.send("NEW");
    }
    child.flush();
    SessionCredentials[] made = new SessionCredentials[count];
    for (int i = 0; i < count; i++) {
      String[] words = expect(child, "SESSION").split(" ");
      made[i] = SessionCredentials.decode(words[0], words[1]);
    }
    return List.of(made);
  }

  /** Sessions the server holds alive now. */
  int sessionCount() throws IOException, InterruptedException {
    child.send("COUNT");
    child.flush();
    return Integer.parseInt(expect(child, "SESSIONS"));
  }

  /** The server's used heap after collections ({@link HeapMeter}), in bytes. */
  long liveHeapBytes() throws IOException, InterruptedException {
    child.send("HEAP");
    child.flush();
    return Long.parseLong(expect(child, "HEAP"));
  }

  @Override
  public void close() {
    child.close();
  }

  private static String expect(ChildJvm child, String keyword) throws IOException, InterruptedException {
    return child.expect(keyword, ANSWER_WAIT);
  }
}
