package et.server.request;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.tinylog.configuration.Configuration;

/**
 * Configures tinylog for the server's commands, before anything logs: the session host and
 * etterminal both append to the host log ({@code ~/.et/log/host.log}, 0600 in a 0700 directory),
 * each line naming the command and its pid. Nothing here or in the host logs a session secret.
 */
public final class HostLogging {
  private HostLogging() {}

  /**
   * Appends this process's log at {@code level} and above to {@code logFile}, created 0600. Leaves
   * a configuration alone that is in use already (a command run inside tests).
   */
  public static void toFile(Path logFile, String command, String level) throws IOException {
    PrivateFile.ensure(logFile);
    if (Configuration.isFrozen()) {
      return;
    }
    Map<String, String> settings = new HashMap<>();
    // Shared: etterminal and the host append to the same file, from different processes; a plain
    // file writer keeps its own position and overwrites the other's lines.
    settings.put("writer", "shared file");
    settings.put("writer.file", logFile.toString());
    settings.put("writer.append", "true");
    settings.put("writer.buffered", "false");
    settings.put("writer.charset", "UTF-8");
    settings.put("writer.level", level);
    settings.put("writer.format", "{date: yyyy-MM-dd HH:mm:ss.SSS} " + command + "[{pid}] {level} [{thread}] {message}");
    // Unbuffered, so nothing to flush at exit; tinylog's own shutdown hook would close the file
    // before the host's hook logs its last line.
    settings.put("autoshutdown", "false");
    Configuration.replace(settings);
  }

  /** Warnings and errors of this process on stderr only (when the log file cannot be used). */
  public static void toStderr(String command) {
    if (Configuration.isFrozen()) {
      return;
    }
    Map<String, String> settings = new HashMap<>();
    settings.put("writer", "console");
    settings.put("writer.stream", "err");
    settings.put("writer.level", "warn");
    settings.put("writer.format", command + ": {level}: {message}");
    Configuration.replace(settings);
  }
}
