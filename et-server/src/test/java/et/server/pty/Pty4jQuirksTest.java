package et.server.pty;

import static org.junit.jupiter.api.Assertions.assertThrows;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pty4j behaviour that {@link TerminalProcess} works around, pinned so that an upgrade that changes
 * it shows up here (and the workaround can go).
 */
class Pty4jQuirksTest {
  @TempDir Path directory;

  @Test
  void writingWithAnOffsetThrows() throws Exception {
    // PTYOutputStream.write(b, off, len) copies into index off of a len-byte array.
    PtyProcess cat = new PtyProcessBuilder(new String[] {"/bin/cat"}).setDirectory(directory.toString()).start();
    try (OutputStream pty = cat.getOutputStream()) {
      pty.write(new byte[] {'a', 'b'}, 0, 2); // offset 0 is fine
      assertThrows(ArrayIndexOutOfBoundsException.class, () -> pty.write(new byte[] {'a', 'b', 'c', 'd'}, 2, 2));
    } finally {
      cat.getInputStream().close();
      cat.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
