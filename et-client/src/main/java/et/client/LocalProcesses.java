package et.client;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How et starts its local helper processes (ssh, and ssh -G): with this process's environment and
 * working directory, or, in the et agent, with those of the et command the user typed, and ssh in
 * batch mode: the agent's ssh has no terminal of its own to ask for a password on, so where ssh
 * would ask, it fails and the user's et runs the whole client instead ({@link NeedsWholeClient}).
 */
record LocalProcesses(Optional<Map<String, String>> environment, Optional<File> directory, boolean sshMayAsk) {
  /** This process's environment and directory; ssh may ask on the terminal. */
  static final LocalProcesses OF_THIS_PROCESS = new LocalProcesses(Optional.empty(), Optional.empty(), true);

  LocalProcesses {
    environment = environment.map(Map::copyOf);
    Objects.requireNonNull(directory, "directory");
  }

  /** For the agent: the given environment and directory, ssh never asking. */
  static LocalProcesses handedOver(Map<String, String> environment, File directory) {
    return new LocalProcesses(Optional.of(environment), Optional.of(directory), false);
  }

  /** A builder for {@code argv} in this environment and directory. */
  ProcessBuilder builder(List<String> argv) {
    ProcessBuilder builder = new ProcessBuilder(argv);
    environment.ifPresent(variables -> {
      builder.environment().clear();
      builder.environment().putAll(variables);
    });
    directory.ifPresent(builder::directory);
    return builder;
  }

  /** {@code sshArgv}, in batch mode where ssh may not ask (the option goes first: ssh takes the first value given). */
  List<String> ssh(List<String> sshArgv) {
    if (sshMayAsk) {
      return sshArgv;
    }
    List<String> batch = new ArrayList<>(sshArgv);
    batch.addAll(1, List.of("-o", "BatchMode=yes"));
    return batch;
  }
}
