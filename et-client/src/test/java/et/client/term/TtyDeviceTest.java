package et.client.term;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** A terminal opened by path: only terminals are taken, and the size is the one the master side set. */
@EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "aarch64"}) // where TtyDevice opens terminals
class TtyDeviceTest {

  @Test
  void aRegularFileIsNoTerminalAndIsNotLeftOpen(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("not-a-tty"), "plain");

    assertTrue(TtyDevice.open(file).isEmpty());
    assertEquals(List.of(), descriptorsOn(file), "descriptors left open on the file");
  }

  @Test
  void aMissingPathSaysWhy(@TempDir Path dir) {
    IOException e = assertThrows(IOException.class, () -> TtyDevice.open(dir.resolve("gone")));
    assertTrue(e.getMessage().contains("errno 2"), e.getMessage()); // ENOENT
  }

  @Test
  void sizeIsTheWindowSizeTheMasterSet() throws IOException {
    try (PtyPair pty = PtyPair.open(); TtyDevice tty = TtyDevice.open(pty.slavePath()).orElseThrow()) {
      assertEquals(new TerminalSize(0, 0), tty.size(), "a new PTY has no size yet");
      pty.resize(new TerminalSize(132, 43));
      assertEquals(new TerminalSize(132, 43), tty.size());
      pty.resize(new TerminalSize(80, 24));
      assertEquals(new TerminalSize(80, 24), tty.size());
    }
  }

  @Test
  void closeClosesTheDescriptorOnce() throws IOException {
    try (PtyPair pty = PtyPair.open()) {
      TtyDevice tty = TtyDevice.open(pty.slavePath()).orElseThrow();
      assertEquals(1, descriptorsOn(pty.slavePath()).size());

      tty.close();
      tty.close();
      assertEquals(List.of(), descriptorsOn(pty.slavePath()));
      assertThrows(IllegalStateException.class, tty::fd);
      assertThrows(IllegalStateException.class, tty::size);
    }
  }

  /** This JVM's descriptors open on {@code path}. */
  static List<Path> descriptorsOn(Path path) throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(fd -> pointsAt(fd, path)).toList();
    }
  }

  private static boolean pointsAt(Path fd, Path path) {
    try {
      return Files.readSymbolicLink(fd).equals(path);
    } catch (IOException closedMeanwhile) {
      return false;
    }
  }
}
