package et.server.request;

import java.nio.file.Path;
import org.tinylog.Logger;

/**
 * A process that logs as the session host does ({@link HostLogging#hostToFiles}), {@code args[1]}
 * lines numbered from 1, each padded with a filler, into the directory {@code args[0]}, then says
 * so on stdout: for {@link HostLoggingTest}.
 */
public final class HostLogProbe {
  private HostLogProbe() {}

  public static void main(String[] args) throws Exception {
    HostLogging.hostToFiles(Path.of(args[0]).resolve("host.log"), "info");
    String filler = "x".repeat(1000);
    int lines = Integer.parseInt(args[1]);
    for (int i = 1; i <= lines; i++) {
      Logger.info("line {} {}", i, filler);
    }
    System.out.println("logged " + lines + " lines");
  }
}
