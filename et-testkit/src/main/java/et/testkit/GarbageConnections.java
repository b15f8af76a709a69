package et.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * Connects {@code COUNT} times to a server, 64 at a time, each time sending a frame header of an
 * unknown type and waiting for the server to hang up: what anyone who reaches an et port can do to
 * make its server log. A program of its own ({@code GarbageConnections HOST PORT COUNT}) so it can
 * run inside a {@link NetLab} namespace ({@link LabProgram}); prints "ready" at once, then "done".
 */
public final class GarbageConnections {
  private static final int AT_ONCE = 64;
  private static final int HEADER_BYTES = 17;

  private GarbageConnections() {}

  public static void main(String[] args) throws InterruptedException {
    InetSocketAddress server = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
    int count = Integer.parseInt(args[2]);
    System.out.println("ready");
    System.out.flush();
    byte[] garbage = new byte[HEADER_BYTES];
    Arrays.fill(garbage, (byte) 0xff);
    Semaphore open = new Semaphore(AT_ONCE);
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < count; i++) {
        open.acquire();
        executor.submit(() -> {
          try (Socket socket = new Socket()) {
            socket.connect(server, 5_000);
            OutputStream out = socket.getOutputStream();
            out.write(garbage);
            out.flush();
            socket.getInputStream().read(); // the server hangs up once it has judged the header
          } catch (IOException e) {
            // a reset is an answer too
          } finally {
            open.release();
          }
        });
      }
    }
    System.out.println("done");
    System.out.flush();
  }
}
