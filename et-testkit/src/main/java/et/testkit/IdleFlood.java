package et.testkit;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;

/**
 * Holds {@code count} idle TCP connections to a server and opens a new one whenever the server
 * closes one, as a flood from the path would, to use up whatever a server allows handshakes
 * that have not yet sent a byte. A program of its own ({@code IdleFlood HOST PORT COUNT}) so it
 * can run inside a {@link NetLab} namespace ({@link LabProgram}); prints "ready" once all are
 * open, then "renewed" for each connection it had to open again.
 */
public final class IdleFlood {
  private IdleFlood() {}

  public static void main(String[] args) throws InterruptedException {
    InetSocketAddress server = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
    int count = Integer.parseInt(args[2]);
    PrintStream out = System.out;
    CountDownLatch opened = new CountDownLatch(count);
    for (int i = 0; i < count; i++) {
      Thread.ofVirtual().name("idle " + i).start(() -> holdForever(server, opened, out));
    }
    opened.await();
    out.println("ready");
    out.flush();
    new CountDownLatch(1).await(); // until killed
  }

  private static void holdForever(InetSocketAddress server, CountDownLatch opened, PrintStream out) {
    boolean first = true;
    while (true) {
      try (Socket socket = new Socket()) {
        socket.connect(server, 5_000);
        if (first) {
          opened.countDown();
          first = false;
        } else {
          synchronized (out) {
            out.println("renewed");
            out.flush();
          }
        }
        socket.getInputStream().read(); // idle until the server closes it
      } catch (IOException e) {
        // refused or unreachable (the path is cut): try again
      }
      try {
        Thread.sleep(100); // renewed at once, as a flood would, but not a hot loop while the server is unreachable
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
