package et.client;

import et.client.cli.ClientOptions;
import et.client.cli.ExitCodes;
import et.client.cli.JumpHost;
import et.client.cli.SshCommand;
import et.core.relay.RelayTransport;
import et.core.task.TaskGroup;
import et.terminal.BootstrapReply;
import et.terminal.JumpPath;
import et.terminal.RelayRequest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * The jump hosts of {@code -J} (or ssh's ProxyJump for the host) made ready to relay et's
 * connection: for each, ssh's configuration says where it is ({@link SshHostLookup}), then an ssh
 * bootstrap through the hops before it asks its session host for a relay grant to the next hop
 * ({@code ET1 RELAY}, docs/TERMINAL.md). The lookups run in parallel, then the bootstraps; the
 * caller runs the host's own bootstrap beside them.
 *
 * <p>Each hop renews its grant the same way when its relay lost it (its host restarted), with
 * {@code BatchMode=yes} and ssh's stderr kept off the screen: nobody can type a password then.
 */
final class JumpChain {
  private final ClientOptions options;
  private final List<JumpHost> jumps;
  private final Consumer<String> note;
  private final TaskGroup tasks;

  JumpChain(ClientOptions options, List<JumpHost> jumps, Consumer<String> note, TaskGroup tasks) {
    this.options = options;
    this.jumps = List.copyOf(jumps);
    this.note = note;
    this.tasks = tasks;
  }

  /**
   * The relay hops, first reached first, the last granted to {@code targetHostName}; ssh's stderr
   * of the first bootstraps goes to {@code stderr} (prompts still reach the terminal).
   */
  List<RelayTransport.Hop> prepare(String targetHostName, OutputStream stderr) throws BootstrapFailure, InterruptedException {
    List<CompletableFuture<String>> hostNames = new ArrayList<>();
    for (JumpHost jump : jumps) {
      hostNames.add(inTask("ssh -G " + jump, () ->
          new SshHostLookup(SshCommand.jumpConfigQuery(options, jump), LocalProcesses.OF_THIS_PROCESS, jump.host(), SshHostLookup.TIMEOUT, note, tasks)
              .lookUp().hostName()));
    }
    List<String> names = new ArrayList<>();
    for (CompletableFuture<String> name : hostNames) {
      names.add(join(name));
    }
    // Each hop relays to the next jump host, the last one to the target.
    List<String> destinations = new ArrayList<>(names.subList(1, names.size()));
    destinations.add(targetHostName);
    List<CompletableFuture<RelayTransport.Hop.Grant>> grants = new ArrayList<>();
    for (int i = 0; i < jumps.size(); i++) {
      int hop = i;
      String to = destinations.get(i);
      grants.add(inTask("relay grant " + jumps.get(i), () -> grant(hop, to, false, stderr)));
    }
    List<RelayTransport.Hop> hops = new ArrayList<>();
    for (int i = 0; i < jumps.size(); i++) {
      int hop = i;
      String to = destinations.get(i);
      hops.add(new RelayTransport.Hop(jumps.get(i).toString(), names.get(i), join(grants.get(i)), () -> renew(hop, to)));
    }
    return hops;
  }

  /**
   * The path the host's {@code et --list} shows for {@code jumps}; empty for none, or when the
   * hops as written break the request's caps (said through {@code note}: the session goes on).
   */
  static Optional<JumpPath> path(List<JumpHost> jumps, Consumer<String> note) {
    if (jumps.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new JumpPath(jumps.stream().map(JumpHost::toString).toList()));
    } catch (IllegalArgumentException e) {
      note.accept("the host's et --list will not show the jump hosts: " + e.getMessage());
      return Optional.empty();
    }
  }

  /** A grant from jump host {@code hop} to {@code to}, over ssh through the hops before it. */
  private RelayTransport.Hop.Grant grant(int hop, String to, boolean batch, OutputStream stderr)
      throws BootstrapFailure, InterruptedException {
    JumpHost jump = jumps.get(hop);
    List<String> argv = SshCommand.jumpBootstrap(options, jumps.subList(0, hop), jump, batch);
    BootstrapReply.Grant reply = new Bootstrap(argv, LocalProcesses.OF_THIS_PROCESS, jump.toString(), options.terminalPath(), stderr, note, tasks)
        .answer(RelayRequest.create(to), BootstrapReply.Grant.class);
    note.accept("jump host " + jump + " relays to " + to + " from its port " + reply.port());
    return new RelayTransport.Hop.Grant(reply.credentials(), reply.port());
  }

  private RelayTransport.Hop.Grant renew(int hop, String to) throws IOException {
    try {
      return grant(hop, to, true, OutputStream.nullOutputStream());
    } catch (BootstrapFailure e) {
      throw new IOException(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while renewing the relay grant of " + jumps.get(hop));
    }
  }

  private interface Step<T> {
    T run() throws Exception;
  }

  private <T> CompletableFuture<T> inTask(String role, Step<T> step) {
    CompletableFuture<T> result = new CompletableFuture<>();
    tasks.fork(role, () -> {
      try {
        result.complete(step.run());
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  /** What {@code future} of a step of this chain gave; a failure that is no BootstrapFailure becomes one. */
  static <T> T join(CompletableFuture<T> future) throws BootstrapFailure, InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof BootstrapFailure failure) {
        throw failure;
      }
      if (e.getCause() instanceof InterruptedException interrupted) {
        throw interrupted;
      }
      throw new BootstrapFailure("jump hosts: " + e.getCause().getMessage(), ExitCodes.FAILURE);
    }
  }
}
