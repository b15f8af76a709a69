package et.server.request;

import et.terminal.LogFiles;
import et.terminal.PrivateDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import org.tinylog.configuration.Configuration;

/**
 * Configures tinylog for the server's commands, before anything logs, in the private log directory
 * ({@code ~/.et/log}, 0700), each line naming the command and its pid. Nothing here or in the host
 * logs a session secret. Both logs are capped, since anyone who reaches the host's port can make
 * it log (rate-limited as that is): a full disk would hurt the user, and a failed write never stops
 * a session (tinylog reports it on stderr and goes on).
 *
 * <ul>
 *   <li>The session host writes {@code host.<n>.log}, a new one once the current reaches {@link
 *       #HOST_LOG_FILE_BYTES}, keeping {@link #HOST_LOG_FILES} files in all; {@code host.log} is a
 *       hard link to the current one (tinylog's rolling writer).
 *   <li>etterminal, many short processes at once, appends to {@code etterminal.log}; one that finds
 *       it above {@link #TERMINAL_LOG_BYTES} first moves it to {@code etterminal.log.1}.
 * </ul>
 */
public final class HostLogging {
  static final String HOST_LOG_FILE_BYTES = "4mb";
  /** The current file and the older ones kept (tinylog's "backups" counts the current one too). */
  static final int HOST_LOG_FILES = 3;
  static final long TERMINAL_LOG_BYTES = 1 << 20;

  private HostLogging() {}

  /**
   * The session host's log at {@code level} and above, in rolled files beside {@code latest}, the
   * link to the current one. Leaves a configuration alone that is in use already (tests).
   */
  public static void hostToFiles(Path latest, String level) throws IOException {
    PrivateDirectory.ensure(latest.getParent());
    if (Configuration.isFrozen()) {
      return;
    }
    configure(LogFiles.rolled(latest, HOST_LOG_FILE_BYTES, HOST_LOG_FILES), "host", level);
  }

  /** The session host's log at {@code level} and above on stdout ({@code et-host --logtostdout}). */
  public static void hostToStdout(String level) {
    if (Configuration.isFrozen()) {
      return;
    }
    Map<String, String> settings = new HashMap<>();
    settings.put("writer", "console");
    settings.put("writer.stream", "out");
    configure(settings, "host", level);
  }

  /**
   * etterminal's log at {@code level} and above, appended to {@code file} (created 0600), which
   * other etterminal processes may be writing too.
   */
  public static void terminalToFile(Path file, String level) throws IOException {
    PrivateFile.ensure(file);
    if (Files.size(file) > TERMINAL_LOG_BYTES) {
      // Atomic, so two etterminals rolling at once cannot lose the newer file; one still writing
      // to the old one goes on writing there.
      Files.move(file, file.resolveSibling(file.getFileName() + ".1"),
          StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      PrivateFile.ensure(file);
    }
    if (Configuration.isFrozen()) {
      return;
    }
    Map<String, String> settings = new HashMap<>();
    // Shared: several etterminals append at once; a plain file writer keeps its own position and
    // overwrites the others' lines.
    settings.put("writer", "shared file");
    settings.put("writer.file", file.toString());
    configure(LogFiles.appended(settings), "etterminal", level);
  }

  private static void configure(Map<String, String> settings, String command, String level) {
    settings.put("writer.level", level);
    settings.put("writer.format", LogFiles.lineFormat(command));
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
