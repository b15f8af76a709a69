package et.bench;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options and {@code --flag} switches after a subcommand. */
final class CommandLine {
  private final Map<String, String> values;
  private final Set<String> used = new HashSet<>();

  private CommandLine(Map<String, String> values) {
    this.values = values;
  }

  /** Parses {@code args} from index {@code from}; a switch is an option followed by another or none. */
  static CommandLine parse(String[] args, int from) {
    Map<String, String> values = new HashMap<>();
    for (int i = from; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option, got " + args[i]);
      }
      String name = args[i].substring(2);
      boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
      values.put(name, hasValue ? args[++i] : "");
    }
    return new CommandLine(values);
  }

  /** A positive int. */
  int intOption(String name, int fallback) {
    long parsed = longOption(name, fallback);
    if (parsed <= 0 || parsed > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("--" + name + " must be a positive int: " + parsed);
    }
    return (int) parsed;
  }

  /** Any long, negative included (a seed). */
  long longOption(String name, long fallback) {
    used.add(name);
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " needs a number: " + value, e);
    }
  }

  boolean flag(String name) {
    used.add(name);
    String value = values.get(name);
    if (value != null && !value.isEmpty()) {
      throw new IllegalArgumentException("--" + name + " takes no value: " + value);
    }
    return value != null;
  }

  /** Fails on options no subcommand asked for, so a typo is not silently ignored. */
  void rejectUnused() {
    Set<String> unknown = new HashSet<>(values.keySet());
    unknown.removeAll(used);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown options: " + unknown);
    }
  }
}
