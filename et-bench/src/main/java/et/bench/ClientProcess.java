package et.bench;

import et.core.SessionCredentials;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The idle-heap benchmark's clients: a {@link ChildJvm} running {@link IdleClients}. */
final class ClientProcess implements AutoCloseable {
  private static final String CHILD_HEAP = "-Xmx1g";

  /** What the child answered to SYNC. */
  record Ready(int sessions, long usedHeapBytes) {}

  private final ChildJvm child;

  private ClientProcess(ChildJvm child) {
    this.child = child;
  }

  static ClientProcess start(int port, boolean openChannel) throws IOException {
    List<String> args = new ArrayList<>(List.of(Integer.toString(port)));
    if (openChannel) {
      args.add("--channel");
    }
    return new ClientProcess(ChildJvm.start(IdleClients.class, List.of(CHILD_HEAP), args));
  }

  /** Asks the child to connect to one more session; the secret travels over its stdin. */
  void connect(SessionCredentials credentials) {
    child.send("SESSION " + credentials.id() + " " + credentials.encodedSecret());
  }

  /** Waits until the child has connected every session so far; returns its heap reading. */
  Ready sync(Duration timeout) throws IOException, InterruptedException {
    child.send("SYNC");
    child.flush();
    String answer = child.receive(timeout);
    if (!answer.startsWith("READY ")) {
      throw new IOException("client process answered: " + answer);
    }
    String[] words = answer.split(" ");
    return new Ready(Integer.parseInt(words[1]), Long.parseLong(words[2]));
  }

  /** Tells the child to exit; kills it if it has not within a few seconds. */
  @Override
  public void close() {
    child.close();
  }
}
