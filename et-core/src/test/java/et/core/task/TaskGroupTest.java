package et.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import et.core.testing.LogTail;
import et.testkit.Await;
import et.testkit.ThreadDump;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TaskGroupTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  @Test
  void tasksForkedFromAnyThreadRunInTheGroupUnderTheirNames() throws Exception {
    TaskGroup group = TaskGroup.startRoot("g1");
    var seen = new ConcurrentHashMap<String, Boolean>();
    CountDownLatch ran = new CountDownLatch(3);
    TaskGroup.Task record = () -> {
      seen.put(Thread.currentThread().getName(), Thread.currentThread().isVirtual());
      ran.countDown();
    };
    group.fork("a", record);
    Thread.ofPlatform().start(() -> group.fork("b", TaskGroup.Threads.PLATFORM, record)).join();
    group.fork("c", () -> group.fork("d", record)); // a task forks into its own group
    assertTrue(ran.await(10, TimeUnit.SECONDS));
    group.close();
    assertTrue(group.awaitEnd(DEADLINE));
    assertEquals(true, seen.get("g1 a"));
    assertEquals(false, seen.get("g1 b"), "a platform thread");
    assertEquals(true, seen.get("g1 d"));
  }

  @Test
  void closeWaitsForRunningTasksAndRefusesNewOnes() throws Exception {
    TaskGroup group = TaskGroup.startRoot("g2");
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    group.fork("worker", () -> {
      started.countDown();
      release.await();
    });
    assertTrue(started.await(10, TimeUnit.SECONDS));
    group.close();
    assertThrows(RejectedExecutionException.class, () -> group.fork("late", () -> {}));
    assertFalse(group.tryFork("late", () -> {}));
    assertFalse(group.awaitEnd(Duration.ofMillis(100)), "ended with a task still running");
    release.countDown();
    assertTrue(group.awaitEnd(DEADLINE));
  }

  @Test
  void cancelInterruptsEveryTaskIncludingChildGroups() throws Exception {
    TaskGroup group = TaskGroup.startRoot("g3");
    TaskGroup child = group.forkGroup("g3-child");
    AtomicInteger interrupted = new AtomicInteger();
    CountDownLatch started = new CountDownLatch(2);
    TaskGroup.Task waitForever = () -> {
      started.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        interrupted.incrementAndGet();
      }
    };
    group.fork("parked", waitForever);
    child.fork("parked", waitForever);
    assertTrue(started.await(10, TimeUnit.SECONDS));
    group.cancel();
    assertTrue(group.awaitEnd(DEADLINE));
    assertTrue(child.awaitEnd(Duration.ZERO), "the child ended with its parent");
    assertEquals(2, interrupted.get());
  }

  @Test
  void aFailingTaskLeavesTheRestRunning() throws Exception {
    TaskGroup group = TaskGroup.startRoot("g4");
    CountDownLatch afterFailure = new CountDownLatch(1);
    group.fork("fails", () -> {
      throw new IllegalStateException("a bug");
    });
    group.fork("survives", () -> {
      Thread.sleep(50);
      afterFailure.countDown();
    });
    assertTrue(afterFailure.await(10, TimeUnit.SECONDS));
    group.close();
    assertTrue(group.awaitEnd(DEADLINE));
  }

  @Test
  void aForkRefusedBetweenTheCancelAndTheInterruptIsNoFailure() throws Exception {
    LogTail log = LogTail.mark();
    TaskGroup group = TaskGroup.startRoot("g4b");
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch cancelled = new CountDownLatch(1);
    AtomicReference<Throwable> refused = new AtomicReference<>();
    group.fork("stopping", () -> {
      started.countDown();
      // The task runs on after the cancel, as one does before its interrupt lands.
      while (cancelled.getCount() > 0) {
        try {
          cancelled.await();
        } catch (InterruptedException e) {
          // not yet
        }
      }
      try {
        group.fork("late", () -> {});
      } catch (RejectedExecutionException e) {
        refused.set(e);
        throw e;
      }
    });
    assertTrue(started.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)); // a task cancelled before it starts never runs
    group.cancel();
    cancelled.countDown();
    assertTrue(group.awaitEnd(DEADLINE));
    assertTrue(refused.get() instanceof RejectedExecutionException, "the late fork was refused");
    assertEquals(List.of(), log.linesWith("g4b stopping"), "the refused fork logged at info or above");
  }

  @Test
  void aRefusedForkInAnOpenGroupIsLoggedAsAFailure() throws Exception {
    LogTail log = LogTail.mark();
    TaskGroup group = TaskGroup.startRoot("g4c");
    TaskGroup closed = TaskGroup.startRoot("g4c-closed");
    closed.close();
    assertTrue(closed.awaitEnd(DEADLINE));
    group.fork("forks", () -> closed.fork("late", () -> {}));
    log.awaitLine(DEADLINE, "ERROR", "g4c forks: failed", "RejectedExecutionException");
    group.close();
    assertTrue(group.awaitEnd(DEADLINE));
  }

  @Test
  void interruptingTheOwnerCancelsTheGroup() throws Exception {
    TaskGroup group = new TaskGroup("g5");
    AtomicReference<Throwable> ownerSaw = new AtomicReference<>();
    Thread owner = Thread.ofVirtual().start(() -> {
      try {
        group.run();
      } catch (Throwable e) {
        ownerSaw.set(e);
      }
    });
    CountDownLatch started = new CountDownLatch(1);
    group.fork("parked", () -> {
      started.countDown();
      new CountDownLatch(1).await();
    });
    assertTrue(started.await(10, TimeUnit.SECONDS));
    owner.interrupt();
    assertTrue(owner.join(DEADLINE));
    assertTrue(ownerSaw.get() instanceof InterruptedException, "owner saw " + ownerSaw.get());
    assertTrue(group.awaitEnd(Duration.ZERO), "ended before the owner returned");
  }

  @Test
  void aThreadDumpShowsEachGroupAsAContainerInsideItsParent() throws Exception {
    TaskGroup group = TaskGroup.startRoot("g6");
    TaskGroup child = group.forkGroup("g6-child");
    CountDownLatch started = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    TaskGroup.Task park = () -> {
      started.countDown();
      release.await();
    };
    group.fork("top", park);
    child.fork("below", TaskGroup.Threads.PLATFORM, park);
    assertTrue(started.await(10, TimeUnit.SECONDS));
    ThreadDump dump = ThreadDump.ofThisJvm();
    ThreadDump.Container top = dump.only("g6").orElseThrow(() -> new AssertionError(dump.toString()));
    ThreadDump.Container below = dump.only("g6-child").orElseThrow(() -> new AssertionError(dump.toString()));
    assertTrue(dump.isWithin(below, top), dump.toString());
    assertEquals(List.of("g6 g6-child", "g6 top", "g6-child below"), dump.threadsWithin(top).stream().sorted().toList(), dump.toString());
    release.countDown();
    child.close();
    group.close();
    assertTrue(group.awaitEnd(DEADLINE));
    // The owner thread may still be on its way out when awaitEnd returns: wait for it, within a deadline.
    Await.until("no g6 thread left", DEADLINE, () -> noThreadStartsWith("g6"));
  }

  private static boolean noThreadStartsWith(String prefix) {
    try {
      return ThreadDump.ofThisJvm().allThreads().stream().noneMatch(name -> name.startsWith(prefix));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void callAsOwnerRunsTheBodyInAGroupOfTheCallersAndReturnsOnceItsTasksHave() throws Exception {
    AtomicInteger helperRan = new AtomicInteger();
    String result = TaskGroup.callAsOwner("g7", group -> {
      group.fork("helper", () -> {
        Thread.sleep(50);
        helperRan.incrementAndGet();
      });
      return Thread.currentThread().getName();
    });
    assertEquals("g7 main", result);
    assertEquals(1, helperRan.get(), "returned before the group's other task had");
  }

  @Test
  void callAsOwnerCancelsItsGroupWhenTheCallerIsInterrupted() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<Throwable> callerSaw = new AtomicReference<>();
    Thread caller = Thread.ofVirtual().start(() -> {
      try {
        TaskGroup.callAsOwner("g8", group -> {
          started.countDown();
          try {
            new CountDownLatch(1).await();
          } catch (InterruptedException e) {
            return "interrupted";
          }
          return "never";
        });
      } catch (Throwable e) {
        callerSaw.set(e);
      }
    });
    assertTrue(started.await(10, TimeUnit.SECONDS));
    caller.interrupt();
    assertTrue(caller.join(DEADLINE));
    assertTrue(callerSaw.get() instanceof InterruptedException, "caller saw " + callerSaw.get());
  }
}
