package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.Future;
import zloop.Task;

/**
 * close() with tasks still pending: asyncio.run's rule, applied by close() itself. Every pending
 * task is cancelled and the loop runs until each has unwound; nothing the tasks held outlives the
 * loop, and threads joining them wake.
 */
@Timeout(60)
class LoopCloseTasksTest {

  @BackendTest
  void closeCancelsParkedTasksAndRunsTheirFinallyBlocks(String backend) {
    List<String> trace = Collections.synchronizedList(new ArrayList<>());
    List<Task<String>> tasks = new ArrayList<>();
    EventLoop loop = Backends.open(backend);
    try {
      Future<String> never = loop.createFuture();
      for (int i = 0; i < 10; i++) {
        int n = i;
        tasks.add(
            loop.createTask(
                () -> {
                  try {
                    return never.join();
                  } finally {
                    trace.add("unwound " + n);
                  }
                }));
      }
      loop.runUntilComplete(loop.sleep(Duration.ZERO)); // every task is parked now
      assertTrue(trace.isEmpty());
    } finally {
      loop.close();
    }
    assertEquals(10, trace.size());
    for (Task<String> task : tasks) {
      assertTrue(task.isCancelled(), task + " was left pending by close()");
    }
    assertTrue(loop.allTasks().isEmpty());
  }

  @BackendTest
  void closeCancelsATaskThatNeverStarted(String backend) {
    boolean[] ran = {false};
    Task<Integer> task;
    try (EventLoop loop = Backends.open(backend)) {
      task =
          loop.createTask(
              () -> {
                ran[0] = true;
                return 1;
              });
    }
    assertTrue(task.isCancelled());
    assertFalse(ran[0], "a task cancelled before its first step never runs its body");
  }

  /** A task that catches the cancellation may still wait for loop work while it unwinds. */
  @BackendTest
  void aTaskMayAwaitLoopWorkWhileCloseUnwindsIt(String backend) {
    List<String> trace = new ArrayList<>();
    Task<String> task;
    try (EventLoop loop = Backends.open(backend)) {
      task =
          loop.createTask(
              () -> {
                try {
                  return loop.sleep(Duration.ofHours(1), "slept").join();
                } catch (CancellationException e) {
                  trace.add(loop.sleep(Duration.ofMillis(1), "cleanup awaited").join());
                  return "finished after cancellation";
                }
              });
      loop.runUntilComplete(loop.sleep(Duration.ZERO));
    }
    assertEquals(List.of("cleanup awaited"), trace);
    assertEquals("finished after cancellation", task.result());
  }

  @BackendTest
  void aForeignThreadJoiningATaskWakesWhenTheLoopCloses(String backend) throws Exception {
    AtomicReference<Throwable> joinerSaw = new AtomicReference<>();
    Thread joiner;
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> never = loop.createFuture();
      Task<String> task = loop.createTask(never::join);
      loop.runUntilComplete(loop.sleep(Duration.ZERO));
      joiner =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      task.join();
                    } catch (Throwable t) {
                      joinerSaw.set(t);
                    }
                  });
      while (joiner.getState() != Thread.State.WAITING) {
        Thread.onSpinWait(); // the joiner parks in join() before the loop closes
      }
    }
    joiner.join(TimeUnit.SECONDS.toMillis(20));
    assertFalse(joiner.isAlive(), "the joiner is still parked in task.join()");
    assertInstanceOf(CancellationException.class, joinerSaw.get());
  }

  /**
   * Loops closed with parked tasks that each hold a large array: once closed, the arrays are
   * unreachable (observed through weak references and GC, never through timing).
   */
  @BackendTest
  void closeLeavesNothingOfItsTasksReachable(String backend) {
    int loops = 3;
    int tasksPerLoop = 20;
    List<WeakReference<byte[]>> held = Collections.synchronizedList(new ArrayList<>());
    for (int l = 0; l < loops; l++) {
      try (EventLoop loop = Backends.open(backend)) {
        Future<Void> never = loop.createFuture();
        for (int t = 0; t < tasksPerLoop; t++) {
          loop.createTask(
              () -> {
                byte[] ballast = new byte[1 << 20];
                held.add(new WeakReference<>(ballast));
                never.join();
                return ballast.length; // keeps the array live in the parked frame
              });
        }
        loop.runUntilComplete(loop.sleep(Duration.ZERO));
      }
    }
    assertEquals(loops * tasksPerLoop, held.size());
    for (int attempt = 0; attempt < 50 && !allCleared(held); attempt++) {
      System.gc();
    }
    long alive = held.stream().filter(r -> r.get() != null).count();
    assertEquals(0, alive, alive + " MiB held by tasks of closed loops is still reachable");
  }

  private static boolean allCleared(List<WeakReference<byte[]>> refs) {
    return refs.stream().allMatch(r -> r.get() == null);
  }

  /**
   * close() called from a task of another loop: a virtual thread cannot carry the unwinding, so a
   * helper platform thread runs it. io_uring (single issuer) lets only the thread that first ran
   * the loop drive it: there close() refuses with the backend's message, the loop stays open, and
   * closing it from its own thread then unwinds the task.
   */
  @BackendTest
  void closeFromAnotherLoopsTaskUnwindsTheTasks(String backend) {
    List<String> trace = Collections.synchronizedList(new ArrayList<>());
    try (EventLoop outer = Backends.open(backend)) {
      EventLoop inner = Backends.open(backend);
      Future<String> never = inner.createFuture();
      Task<String> parked =
          inner.createTask(
              () -> {
                try {
                  return never.join();
                } finally {
                  trace.add("inner task unwound");
                }
              });
      inner.runUntilComplete(inner.sleep(Duration.ZERO));
      Task<Boolean> closer =
          outer.createTask(
              () -> {
                inner.close();
                return parked.isCancelled();
              });
      UncheckedIOException refused = null;
      try {
        assertTrue(outer.runUntilComplete(closer));
      } catch (CompletionException e) { // the closer task's failure, as join() reports every one
        refused = assertInstanceOf(UncheckedIOException.class, e.getCause(), e::toString);
      }
      if (refused != null) {
        assertEquals("io_uring", backend, refused::toString);
        assertTrue(refused.getCause().getMessage().contains("SINGLE_ISSUER"), refused::toString);
        assertFalse(inner.isClosed());
        assertTrue(trace.isEmpty());
        inner.close(); // from the thread that ran it
        assertTrue(parked.isCancelled());
      }
      assertTrue(inner.isClosed());
    }
    assertEquals(List.of("inner task unwound"), trace);
  }

  /** A task that stops the loop while it unwinds does not cut the unwinding short. */
  @BackendTest
  void stopDuringTheUnwindingIsIgnored(String backend) {
    List<String> trace = new ArrayList<>();
    try (EventLoop loop = Backends.open(backend)) {
      loop.createTask(
          () -> {
            try {
              return loop.sleep(Duration.ofHours(1)).join();
            } finally {
              loop.stop();
              loop.sleep(Duration.ZERO).join();
              trace.add("unwound after stop()");
            }
          });
      loop.runUntilComplete(loop.sleep(Duration.ZERO));
    }
    assertEquals(List.of("unwound after stop()"), trace);
  }
}
