package et.client;

import et.client.cli.LogSettings;
import et.terminal.LogFiles;
import java.io.Console;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.tinylog.configuration.Configuration;

/**
 * Sets up et's own log from {@code -v} and {@code --log-file}, before anything logs: stderr by
 * default (warnings only, as tinylog.properties says), or a private file. Nothing et logs holds a
 * session secret.
 */
final class ClientLogging {
  static final String AGENT_LOG_FILE_BYTES = "1mb";
  static final int AGENT_LOG_FILES = 3;

  private ClientLogging() {}

  /** Applies {@code settings}; leaves a configuration alone that is in use already (tests). */
  static void configure(LogSettings settings) throws IOException {
    if (Configuration.isFrozen() || settings.equals(LogSettings.QUIET)) {
      return;
    }
    Map<String, String> config = new HashMap<>();
    if (settings.file().isPresent()) {
      Path file = createPrivate(settings.file().get());
      config.put("writer", "file");
      config.put("writer.file", file.toString());
      LogFiles.appended(config);
      config.put("writer.format", LogFiles.lineFormat("et"));
    } else {
      config.put("writer", "console");
      config.put("writer.stream", "err");
      // On a terminal in raw mode a bare LF would not return the cursor to the first column.
      config.put("writer.format", "et: {level}: {message}" + (onTerminal() ? "\r" : ""));
    }
    config.put("writer.level", settings.level());
    config.put("autoshutdown", "false"); // unbuffered: nothing to flush at exit
    Configuration.replace(config);
  }

  /**
   * The et agent's log: {@code agent.log} in its private {@code directory} at info, rolled over at
   * {@value #AGENT_LOG_FILE_BYTES} into {@code agent.N.log}, {@value #AGENT_LOG_FILES} files at
   * most, so a long-lived agent's log stays bounded.
   */
  static void configureAgent(Path directory) {
    Map<String, String> config = LogFiles.rolled(directory.resolve("agent.log"), AGENT_LOG_FILE_BYTES, AGENT_LOG_FILES);
    config.put("writer.format", LogFiles.lineFormat("et-agent"));
    config.put("writer.level", "info");
    config.put("autoshutdown", "false");
    Configuration.replace(config);
  }

  private static boolean onTerminal() {
    Console console = System.console();
    return console != null && console.isTerminal();
  }

  /** {@code file}, created 0600 when new; an existing one must be a regular file (not a link). */
  private static Path createPrivate(Path file) throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException("--log-file " + file + " is not a regular file");
      }
    }
    return file;
  }
}
