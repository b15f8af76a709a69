package et.server.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.concurrent.StructuredTaskScope;

/**
 * Runs the tasks of one terminal session as a StructuredTaskScope (the host's only use of that
 * preview API): one deciding task, the program's life, which returns its exit status, and helpers
 * that copy bytes or watch the session. When the deciding task returns, helpers still running are
 * cancelled (interrupted); a helper that finishes normally (its stream ended) changes nothing; a
 * task that fails cancels everything and its failure is rethrown. The scope is named "{@code name
 * mode}" and its tasks, on virtual threads, "{@code name task}".
 */
final class SessionScope {
  /** A helper's body; it should handle the I/O failures it expects and throw only on bugs. */
  @FunctionalInterface
  interface Body {
    void run() throws Exception;
  }

  /** A helper task and the name its thread gets. */
  record Helper(String name, Body body) {}

  /** A task of the scope failed (a bug, not an I/O condition): the cause says which. */
  static final class TaskFailedException extends Exception {
    TaskFailedException(String task, Throwable cause) {
      super(task + " failed: " + cause, cause);
    }
  }

  private sealed interface Outcome {}

  private record Exited(int status) implements Outcome {}

  private record HelperDone() implements Outcome {}

  private SessionScope() {}

  /**
   * Forks the helpers, then the deciding {@code program} task; returns the status it returned once
   * every task has finished (helpers cancelled).
   */
  static int run(String name, String mode, Callable<Integer> program, List<Helper> helpers)
      throws InterruptedException, TaskFailedException {
    try (var scope =
        StructuredTaskScope.open(
            Joiner.<Outcome>allUntil(SessionScope::decides), config -> config.withName(name + " " + mode))) {
      // Helpers first: the program task may wait for one of them (the output pump), and once it
      // returns the scope is cancelled, so nothing forked after it would run.
      List<Subtask<Outcome>> forked = new ArrayList<>();
      for (Helper helper : helpers) {
        forked.add(scope.fork(
            () -> {
              Thread.currentThread().setName(name + " " + helper.name());
              helper.body().run();
              return new HelperDone();
            }));
      }
      Subtask<Outcome> deciding =
          scope.fork(
              () -> {
                Thread.currentThread().setName(name + " program");
                return new Exited(program.call());
              });
      scope.join();
      if (deciding.state() == Subtask.State.SUCCESS) {
        return ((Exited) deciding.get()).status();
      }
      if (deciding.state() == Subtask.State.FAILED) {
        throw new TaskFailedException("program", deciding.exception());
      }
      for (int i = 0; i < forked.size(); i++) {
        if (forked.get(i).state() == Subtask.State.FAILED) {
          throw new TaskFailedException(helpers.get(i).name(), forked.get(i).exception());
        }
      }
      throw new IllegalStateException(name + ": scope ended without an exit status or a failure");
    }
  }

  private static boolean decides(Subtask<? extends Outcome> subtask) {
    return switch (subtask.state()) {
      case FAILED -> true;
      case SUCCESS -> subtask.get() instanceof Exited;
      case UNAVAILABLE -> false;
    };
  }
}
