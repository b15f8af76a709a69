package et.client.term;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Input that closing wakes, on a pipe of its own or a PTY (the test JVM's real stdin carries
 * surefire's commands): a read blocked in the kernel returns -1 once another thread closes the
 * stream; keys typed before come through; neither the warm-up nor a close leaves a descriptor open.
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

  /** On a terminal opened by path: typed bytes come through, close ends a blocked read and frees the wake pipe. */
  @Test
  @EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "aarch64"}) // where TtyDevice opens terminals
  void aTerminalsDescriptorIsReadUntilClose() throws Exception {
    try (PtyPair pty = PtyPair.open(); TtyDevice tty = TtyDevice.open(pty.slavePath()).orElseThrow()) {
      Map<String, String> before = openDescriptors();
      WakeableStdin keys = WakeableStdin.open(tty.fd(), () -> true);
      pty.type("ls\r");
      assertEquals("ls\n", PtyPair.receive(keys, 3, TIMEOUT), "a cooked line");

      CompletableFuture<Integer> read = new CompletableFuture<>();
      Thread reader = Thread.ofPlatform().name("tty-read").start(() -> {
        try {
          read.complete(keys.read(new byte[16], 0, 16));
        } catch (IOException e) {
          read.completeExceptionally(e);
        }
      });
      Await.until("the read waits in the kernel", TIMEOUT, () -> KernelThreadState.sleeping(reader.getName()));
      keys.close();
      assertEquals(-1, read.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "the blocked read ends with the close");
      assertTrue(reader.join(TIMEOUT));
      assertEquals(Map.of(), openedSince(before), "descriptors left open: the wake pipe");
    }
  }

  /**
   * Input that may not be taken stays for another reader of the terminal (the shell, while the
   * thin client the agent reads for is stopped), and once it may, the next comes through.
   */
  @Test
  @EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "aarch64"})
  void inputThatMayNotBeTakenStaysForAnotherReader() throws Exception {
    try (PtyPair pty = PtyPair.open();
        TtyDevice gatedTty = TtyDevice.open(pty.slavePath()).orElseThrow();
        TtyDevice otherTty = TtyDevice.open(pty.slavePath()).orElseThrow();
        WakeableStdin other = WakeableStdin.open(otherTty.fd(), () -> true)) {
      AtomicBoolean mayRead = new AtomicBoolean(false);
      AtomicInteger asked = new AtomicInteger();
      WakeableStdin gated = WakeableStdin.open(gatedTty.fd(), () -> {
        asked.incrementAndGet();
        return mayRead.get();
      });
      CompletableFuture<String> gatedRead = new CompletableFuture<>();
      Thread.ofPlatform().name("gated-read").start(() -> {
        try {
          gatedRead.complete(PtyPair.receive(gated, 3, TIMEOUT));
        } catch (RuntimeException e) {
          gatedRead.completeExceptionally(e);
        }
      });

      pty.type("ls\r");
      Await.until("the gated read saw the line, and asked again", TIMEOUT, () -> asked.get() >= 2);
      assertEquals("ls\n", PtyPair.receive(other, 3, TIMEOUT), "the other reader has the line");
      assertFalse(gatedRead.isDone(), "the gated read took nothing");

      mayRead.set(true);
      pty.type("pwd\r");
      assertEquals("pwd", gatedRead.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "once it may, the next line comes to it");
      gated.close();
    }
  }

  @Test
  void theWarmUpReadsItsOwnPipeAndLeavesNoDescriptorOpen() throws Exception {
    Map<String, String> before = openDescriptors();
    WakeableStdin.warmUp(1000);
    assertEquals(Map.of(), openedSince(before), "descriptors the warm-up left open");
  }

  /**
   * The descriptors open now that were not open {@code before} (to the same file or pipe); what an
   * earlier test left behind may close meanwhile, so a count alone could fall.
   */
  private static Map<String, String> openedSince(Map<String, String> before) throws IOException {
    Map<String, String> after = openDescriptors();
    after.keySet().removeIf(fd -> after.get(fd).equals(before.get(fd)));
    return after;
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
