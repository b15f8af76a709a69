package et.terminal;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The tinylog settings et's log files share (the session host's and etterminal's, the client's
 * {@code --log-file} and the et agent's): appended to, unbuffered (nothing to flush at exit), UTF-8,
 * each line naming the command and its pid.
 */
public final class LogFiles {
  private LogFiles() {}

  /** Adds to {@code settings}, a file writer's, what every et log file has; returns them. */
  public static Map<String, String> appended(Map<String, String> settings) {
    settings.put("writer.append", "true");
    settings.put("writer.buffered", "false");
    settings.put("writer.charset", "UTF-8");
    return settings;
  }

  /**
   * A capped log: {@code <name>.<n>.log} beside {@code latest} ({@code <name>.log}, a hard link to
   * the current file), a new file once the current one reaches {@code fileSize} (tinylog's notation:
   * "4mb"), {@code files} kept in all, the current one counted.
   */
  public static Map<String, String> rolled(Path latest, String fileSize, int files) {
    String name = latest.getFileName().toString().replaceFirst("\\.log$", "");
    Map<String, String> settings = new HashMap<>();
    settings.put("writer", "rolling file");
    settings.put("writer.file", latest.resolveSibling(name + ".{count}.log").toString());
    settings.put("writer.latest", latest.toString());
    settings.put("writer.policies", "size: " + fileSize);
    settings.put("writer.backups", Integer.toString(files));
    return appended(settings);
  }

  /** A log line: the time, {@code command}[pid], the level, the thread and the message. */
  public static String lineFormat(String command) {
    return "{date: yyyy-MM-dd HH:mm:ss.SSS} " + command + "[{pid}] {level} [{thread}] {message}";
  }
}
