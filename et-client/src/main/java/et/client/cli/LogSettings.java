package et.client.cli;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How much et says and where: {@code -v} repeated raises {@code verbosity} (1: progress notes and
 * et's log at info, 2: debug, 3 or more: trace); {@code --log-file} sends the log to a file (created
 * 0600) instead of stderr, at info or the level {@code -v} asks for.
 */
public record LogSettings(int verbosity, Optional<Path> file) {
  /** Warnings and errors on stderr only: et's default. */
  public static final LogSettings QUIET = new LogSettings(0, Optional.empty());
  public static final int MAX_VERBOSITY = 3;

  public LogSettings {
    if (verbosity < 0 || verbosity > MAX_VERBOSITY) {
      throw new IllegalArgumentException("-v given " + verbosity + " times: at most " + MAX_VERBOSITY);
    }
    file.ifPresent(path -> {
      if (path.toString().isBlank()) {
        throw new IllegalArgumentException("--log-file is empty");
      }
    });
  }

  /** The tinylog level of et's log. */
  public String level() {
    return switch (verbosity) {
      case 0 -> file.isPresent() ? "info" : "warn";
      case 1 -> "info";
      case 2 -> "debug";
      default -> "trace";
    };
  }
}
