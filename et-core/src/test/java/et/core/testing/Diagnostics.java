package et.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.tinylog.Logger;

/** Evidence for a failed test: a dump of every thread, virtual ones included (by jcmd). */
public final class Diagnostics {
  private Diagnostics() {}

  /** Dumps all threads to {@code target/<name>-threads-<time>.txt} and logs where. */
  public static void dumpThreads(String name) {
    try {
      Path dir = Path.of("target");
      Files.createDirectories(dir);
      Path file = dir.resolve(name + "-threads-" + System.currentTimeMillis() + ".txt").toAbsolutePath();
      Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
      Process process =
          new ProcessBuilder(
                  jcmd.toString(),
                  Long.toString(ProcessHandle.current().pid()),
                  "Thread.dump_to_file",
                  file.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      Logger.error("thread dump written to {}", file);
    } catch (Exception e) {
      Logger.error(e, "could not dump threads");
    }
  }
}
