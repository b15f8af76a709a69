package et.core.task;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.tinylog.Logger;

/**
 * A StructuredTaskScope that any thread may fork into while it is open, so that everything a
 * session (or a server, or a client) runs sits in one tree of scopes: a thread dump shows each
 * group as a thread container named after it, its tasks' threads inside, and its child groups
 * below it. When a group has ended, none of its threads is left.
 *
 * <p>The owner is the thread that calls {@link #run()}; only it may fork into the scope, so it
 * forks what other threads ask for with {@link #fork}, in the order asked. A child group ({@link
 * #forkGroup}) is run by one of this group's tasks, so it nests in the tree. A task's thread is
 * named "{@code group-name role}"; it is virtual unless asked for a platform thread (for native
 * calls that would pin a virtual thread's carrier). A task that throws is logged as a bug; the
 * rest of the group runs on.
 *
 * <p>States: {@code OPEN → CLOSING → ENDED}, or {@code OPEN | CLOSING → CANCELLED → ENDED}.
 * OPEN forks; CLOSING ({@link #close()}) forks nothing new and ends once every task has returned;
 * CANCELLED ({@link #cancel()}, or the owner interrupted) interrupts every task and ends once they
 * have returned. A task that ignores interrupts (a native read) must be ended by closing what it
 * waits on. Thread-safe.
 */
public final class TaskGroup {
  /** What a task runs. */
  @FunctionalInterface
  public interface Task {
    void run() throws Exception;
  }

  /** The kind of thread a task runs on. */
  public enum Threads {
    VIRTUAL,
    /** A platform daemon thread: for native calls that would pin a virtual thread's carrier. */
    PLATFORM
  }

  private enum State { OPEN, CLOSING, CANCELLED, ENDED }

  private record Request(String role, Threads threads, Task task, CompletableFuture<Void> done) {}

  /** The marker task whose completion cancels the scope. */
  private static final Object CANCEL = new Object();

  private final String name;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  /** Forks asked for and not yet made (guarded by lock). */
  private final ArrayDeque<Request> requests = new ArrayDeque<>();
  /** Tasks forked and not yet returned (guarded by lock); 0 ≤ running. */
  private int running;
  private State state = State.OPEN; // guarded by lock
  private boolean started; // guarded by lock
  /** The request being forked: read by the thread factory, on the owner thread. */
  private Request forking;
  private final CountDownLatch ended = new CountDownLatch(1);

  /** A group named {@code name} (also the prefix of its threads' names); {@link #run()} runs it. */
  public TaskGroup(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  /** A group run by a new virtual thread of its own: the root of a tree. */
  public static TaskGroup startRoot(String name) {
    TaskGroup group = new TaskGroup(name);
    Thread.ofVirtual().name(name).start(group::runQuietly);
    return group;
  }

  /**
   * Runs {@code body} as the first task of a new group {@code name} owned by the calling thread (so
   * the group nests in the caller's task tree), closes the group when it returns, and returns its
   * result once every task of the group has returned; null if it threw (logged). If the caller is
   * interrupted, the group is cancelled and the interrupt thrown once it has ended.
   */
  public static <T> T callAsOwner(String name, Function<TaskGroup, T> body) throws InterruptedException {
    TaskGroup group = new TaskGroup(name);
    AtomicReference<T> result = new AtomicReference<>();
    group.fork("main", () -> {
      try {
        result.set(body.apply(group));
      } finally {
        group.close();
      }
    });
    group.run();
    return result.get();
  }

  public String name() {
    return name;
  }

  /** Forks {@code task} on a virtual thread named "{@code name role}"; see below. */
  public CompletableFuture<Void> fork(String role, Task task) {
    return fork(role, Threads.VIRTUAL, task);
  }

  /**
   * Forks {@code task} on a thread of kind {@code threads} named "{@code name role}". Any thread.
   * Returns what completes once the task has returned (or, cancelled before it started, never ran).
   *
   * @throws RejectedExecutionException once the group is closing, cancelled or ended
   */
  public CompletableFuture<Void> fork(String role, Threads threads, Task task) {
    Request request = new Request(
        Objects.requireNonNull(role), Objects.requireNonNull(threads), Objects.requireNonNull(task), new CompletableFuture<>());
    lock.lock();
    try {
      if (state != State.OPEN) {
        throw new RejectedExecutionException(name + " is " + state.name().toLowerCase() + ": cannot fork " + role);
      }
      requests.add(request);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    return request.done();
  }

  /**
   * Forks {@code task} as {@link #fork(String, Task)} does; false, forking nothing, once the group
   * takes no more tasks.
   */
  public boolean tryFork(String role, Task task) {
    return tryFork(role, Threads.VIRTUAL, task);
  }

  /** As {@link #fork(String, Threads, Task)}; false, forking nothing, once the group takes no more tasks. */
  public boolean tryFork(String role, Threads threads, Task task) {
    try {
      fork(role, threads, task);
      return true;
    } catch (RejectedExecutionException closing) {
      return false;
    }
  }

  /**
   * A child group named {@code childName}, run by a task of this group (so it nests in the tree
   * below this one); it takes forks at once.
   */
  public TaskGroup forkGroup(String childName) {
    TaskGroup child = new TaskGroup(childName);
    fork(childName, child::run);
    return child;
  }

  /** No new forks: the group ends once every task has returned. Idempotent; any thread. */
  public void close() {
    moveTo(State.CLOSING);
  }

  /** Interrupts every task and forks nothing new; the group ends once they have returned. */
  public void cancel() {
    moveTo(State.CANCELLED);
  }

  private void moveTo(State next) {
    lock.lock();
    try {
      if (state.compareTo(next) < 0) {
        state = next;
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Waits until the group has ended; true if it did within {@code timeout}. */
  public boolean awaitEnd(Duration timeout) throws InterruptedException {
    return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Runs the group on the calling thread (its owner) until it has ended. If the owner is
   * interrupted, the group is cancelled, and once it has ended the interrupt is thrown.
   */
  public void run() throws InterruptedException {
    lock.lock();
    try {
      if (started) {
        throw new IllegalStateException(name + " runs already");
      }
      started = true;
    } finally {
      lock.unlock();
    }
    boolean interrupted = false;
    try (var scope = StructuredTaskScope.open(new UntilCancelled(), config -> config.withName(name).withThreadFactory(this::newThread))) {
      try {
        for (Request next; (next = nextRequest()) != null; ) {
          Request request = next;
          forking = request;
          scope.fork(() -> runTask(request));
        }
      } catch (InterruptedException e) {
        interrupted = true;
        cancel();
      }
      forking = null;
      if (state() == State.CANCELLED) {
        scope.fork(() -> CANCEL);
      }
      scope.join();
    } finally {
      moveTo(State.ENDED);
      lock.lock();
      try {
        requests.forEach(never -> never.done().complete(null));
        requests.clear();
      } finally {
        lock.unlock();
      }
      ended.countDown();
    }
    if (interrupted) {
      throw new InterruptedException(name + " cancelled by an interrupt");
    }
  }

  private void runQuietly() {
    try {
      run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The next fork to make, or null when the group is done forking (cancelled, or closing and idle). */
  private Request nextRequest() throws InterruptedException {
    lock.lock();
    try {
      while (true) {
        if (state == State.CANCELLED) {
          return null;
        }
        Request request = requests.poll();
        if (request != null) {
          running++;
          return request;
        }
        if (state == State.CLOSING && running == 0) {
          return null;
        }
        changed.await();
      }
    } finally {
      lock.unlock();
    }
  }

  private State state() {
    lock.lock();
    try {
      return state;
    } finally {
      lock.unlock();
    }
  }

  private Object runTask(Request request) {
    try {
      request.task().run();
    } catch (InterruptedException e) {
      Logger.debug("{} {}: interrupted", name, request.role());
    } catch (Throwable e) {
      if (e instanceof RejectedExecutionException && state() == State.CANCELLED) {
        // A fork refused between the group's cancel and its tasks' interrupt: the task was stopping.
        Logger.debug("{} {}: cancelled ({})", name, request.role(), e.getMessage());
      } else {
        Logger.error(e, "{} {}: failed", name, request.role());
      }
    } finally {
      lock.lock();
      try {
        running--;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      request.done().complete(null);
    }
    return null;
  }

  private Thread newThread(Runnable body) {
    Request request = forking;
    if (request == null) {
      return Thread.ofVirtual().name(name + " cancel").unstarted(body);
    }
    String threadName = name + " " + request.role();
    return switch (request.threads()) {
      case VIRTUAL -> Thread.ofVirtual().name(threadName).unstarted(body);
      case PLATFORM -> Thread.ofPlatform().daemon().name(threadName).unstarted(body);
    };
  }

  @Override
  public String toString() {
    return name;
  }

  /** Waits for every task, and cancels the scope when the {@link #CANCEL} marker completes. */
  private static final class UntilCancelled implements Joiner<Object, Void> {
    @Override
    public boolean onComplete(Subtask<?> subtask) {
      return subtask.state() == Subtask.State.SUCCESS && subtask.get() == CANCEL;
    }

    @Override
    public Void result() {
      return null;
    }
  }
}
