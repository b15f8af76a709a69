package et.client.term;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.testkit.Await;
import et.testkit.KernelThreadState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Input that closing wakes, on a pipe of its own (the test JVM's real stdin carries surefire's
 * commands): a read blocked in the kernel returns -1 once another thread closes the stream; keys
 * typed before come through; the warm-up leaves no descriptor open.
 */
class WakeableStdinTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void keysComeThroughAndCloseEndsABlockedRead() throws Exception {
    WakeableStdin.OwnPipe pipe = WakeableStdin.OwnPipe.open();
    assertNotNull(pipe, "native access");
    try (pipe) {
      pipe.type();
      assertEquals(1, pipe.in().read(new byte[16], 0, 16), "a typed key");

      CompletableFuture<Integer> read = new CompletableFuture<>();
      Thread reader = Thread.ofPlatform().name("wakeable-read").start(() -> {
        try {
          read.complete(pipe.in().read(new byte[16], 0, 16));
        } catch (IOException e) {
          read.completeExceptionally(e);
        }
      });
      Await.until("the read waits in the kernel", TIMEOUT, () -> KernelThreadState.sleeping(reader.getName()));
      pipe.in().close();
      assertEquals(-1, read.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "the blocked read ends with the close");
      assertTrue(reader.join(TIMEOUT));
      assertEquals(-1, pipe.in().read(), "and so does every later one");
    }
  }

  @Test
  void theWarmUpReadsItsOwnPipeAndLeavesNoDescriptorOpen() throws Exception {
    Map<String, String> before = openDescriptors();
    WakeableStdin.warmUp(1000);
    // Every descriptor open now was open before, to the same file or pipe; what an earlier test
    // left behind may close meanwhile, so the count alone could fall.
    Map<String, String> after = openDescriptors();
    after.keySet().removeIf(fd -> after.get(fd).equals(before.get(fd)));
    assertEquals(Map.of(), after, "descriptors the warm-up left open");
  }

  /**
   * This JVM's open descriptors and what each points at (a path, pipe:[inode], socket:[inode]),
   * but for the listing's own: a descriptor on the /proc fd directory, whose number may differ
   * from one listing to the next.
   */
  private static Map<String, String> openDescriptors() throws IOException {
    String listing = Path.of("/proc", Long.toString(ProcessHandle.current().pid()), "fd").toString();
    Map<String, String> targets = new HashMap<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (!target.equals(listing)) {
            targets.put(fd.getFileName().toString(), target);
          }
        } catch (IOException closed) {
          // one closed while listing
        }
      }
    }
    return targets;
  }
}
