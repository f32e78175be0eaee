package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.Future;
import zloop.Task;
import zloop.TaskGroup;
import zloop.TaskGroupException;

/**
 * asyncio's {@code TaskGroup} as {@link EventLoop#withTaskGroup} (asyncio's semantics in full) and
 * {@link EventLoop#taskGroup()} ({@code try}-with-resources): facts from CPython's
 * test_taskgroups.py. Children that must be cancelled sleep for an hour; events are ordered with
 * futures, never with timing.
 */
@Timeout(60)
class TaskGroupTest {

  private static final Duration LONG = Duration.ofHours(1);

  /** Runs the body as a task to its end and returns what it returned. */
  private static <T> T inTask(EventLoop loop, Callable<T> body) {
    return loop.runUntilComplete(loop.createTask(body));
  }

  /** Sleeps "forever": only a cancellation ends it. */
  private static Void sleepLong(EventLoop loop) {
    loop.sleep(LONG).join();
    return null;
  }

  /** A child that lets the loop turn once, then fails. */
  private static <T> Callable<T> crashSoon(EventLoop loop, RuntimeException failure) {
    return () -> {
      loop.sleep(Duration.ZERO).join();
      throw failure;
    };
  }

  /** A child that records its cancellation and sleeps forever. */
  private static Callable<Void> sleeper(EventLoop loop, AtomicInteger cancelled) {
    return () -> {
      try {
        return sleepLong(loop);
      } catch (CancellationException e) {
        cancelled.incrementAndGet();
        throw e;
      }
    };
  }

  /** A future completed once {@code count} children have called {@link Runnable#run()} on it. */
  private static Runnable countDown(Future<Void> allStarted, int count) {
    int[] left = {count};
    return () -> {
      if (--left[0] == 0) {
        allStarted.setResult(null);
      }
    };
  }

  // ---- children succeed ----

  @BackendTest
  void closeWaitsForEveryChild(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Object> results =
          inTask(
              loop,
              () -> {
                Task<Integer> t1;
                Task<Integer> t2;
                try (TaskGroup g = loop.taskGroup()) {
                  t1 = g.createTask(() -> loop.sleep(Duration.ofMillis(5), 42).join());
                  t2 = g.createTask(() -> loop.sleep(Duration.ofMillis(10), 11).join());
                }
                assertTrue(t1.isDone() && t2.isDone());
                return List.of(t1.result(), t2.result());
              });
      assertEquals(List.of(42, 11), results);
    }
  }

  @BackendTest
  void theBlockFormReturnsTheBodysValueOnceChildrenAreDone(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Task<Integer>> children = new ArrayList<>();
      String value =
          inTask(
              loop,
              () ->
                  loop.withTaskGroup(
                      g -> {
                        children.add(g.createTask(() -> loop.sleep(Duration.ZERO, 42).join()));
                        loop.sleep(Duration.ZERO).join();
                        children.add(g.createTask(() -> loop.sleep(Duration.ofMillis(5), 11).join()));
                        return "body";
                      }));
      assertEquals("body", value);
      assertEquals(42, children.get(0).result());
      assertEquals(11, children.get(1).result());
    }
  }

  @BackendTest
  void aCancelledChildIsNotAFailure(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<?>[] tasks = new Task<?>[2];
      inTask(
          loop,
          () -> {
            try (TaskGroup g = loop.taskGroup()) {
              tasks[0] = g.createTask(() -> sleepLong(loop));
              loop.sleep(Duration.ZERO).join();
              tasks[0].cancel();
              tasks[1] = g.createTask(() -> loop.sleep(Duration.ZERO, 11).join());
            }
            return null;
          });
      assertTrue(tasks[0].isCancelled());
      assertEquals(11, tasks[1].result());
    }
  }

  @BackendTest
  void childrenGetTheNameGiven(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      String name =
          inTask(
              loop,
              () -> {
                try (TaskGroup g = loop.taskGroup()) {
                  return g.createTask(() -> null, "yolo").name();
                }
              });
      assertEquals("yolo", name);
    }
  }

  @BackendTest
  void childrenMayAddChildrenWhileCloseWaits(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      AtomicInteger ran = new AtomicInteger();
      inTask(
          loop,
          () -> {
            try (TaskGroup g = loop.taskGroup()) {
              g.createTask(
                  () -> {
                    loop.sleep(Duration.ZERO).join();
                    g.createTask(() -> ran.incrementAndGet());
                    g.createTask(() -> ran.incrementAndGet());
                    return null;
                  });
            }
            return null;
          });
      assertEquals(2, ran.get());
    }
  }

  // ---- a child fails ----

  @BackendTest
  void aFailureCancelsTheSleepingChildrenAndTheBody(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      AtomicInteger cancelled = new AtomicInteger();
      boolean[] bodyCancelled = {false};
      boolean[] afterGroup = {false};
      ArithmeticException boom = new ArithmeticException("1/0");
      TaskGroupException e =
          inTask(
              loop,
              () ->
                  assertThrows(
                      TaskGroupException.class,
                      () -> {
                        loop.withTaskGroup(
                            g -> {
                              g.createTask(crashSoon(loop, boom));
                              g.createTask(sleeper(loop, cancelled));
                              g.createTask(sleeper(loop, cancelled));
                              try {
                                return sleepLong(loop);
                              } catch (CancellationException c) {
                                bodyCancelled[0] = true;
                                throw c;
                              }
                            });
                        afterGroup[0] = true;
                      }));
      assertEquals(List.of(boom), e.failures());
      assertSame(boom, e.getCause());
      assertEquals(2, cancelled.get());
      assertTrue(bodyCancelled[0]);
      assertFalse(afterGroup[0]);
    }
  }

  @BackendTest
  void everyFailureIsReportedTheFirstAsCauseTheOthersSuppressed(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      RuntimeException first = new IllegalStateException("first");
      RuntimeException second = new IllegalArgumentException("second");
      TaskGroupException e =
          inTask(
              loop,
              () ->
                  assertThrows(
                      TaskGroupException.class,
                      () -> {
                        try (TaskGroup g = loop.taskGroup()) {
                          // both fail in the same turn, before the group hears of either
                          g.createTask(
                              () -> {
                                throw first;
                              });
                          g.createTask(
                              () -> {
                                throw second;
                              });
                        }
                      }));
      assertEquals(List.of(first, second), e.failures());
      assertSame(first, e.getCause());
      assertEquals(List.of(second), List.of(e.getSuppressed()));
    }
  }

  @BackendTest
  void tryWithResourcesCancelsTheChildrenButNotTheBody(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      AtomicInteger cancelled = new AtomicInteger();
      ArithmeticException boom = new ArithmeticException("1/0");
      Object[] seen = new Object[2];
      inTask(
          loop,
          () -> {
            Task<?> self = zloop.EventLoops.currentTask().orElseThrow();
            TaskGroupException e =
                assertThrows(
                    TaskGroupException.class,
                    () -> {
                      try (TaskGroup g = loop.taskGroup()) {
                        Task<Object> failing = g.createTask(crashSoon(loop, boom));
                        g.createTask(sleeper(loop, cancelled));
                        // The body waits for the failing child itself: not cancelled by the group,
                        // it sees the child's own failure, and close() adds the group's report.
                        try {
                          failing.join();
                        } catch (ArithmeticException expected) {
                          seen[0] = expected;
                        }
                      }
                    });
            seen[1] = e;
            assertEquals(0, self.cancelling());
            return null;
          });
      assertSame(boom, seen[0]);
      assertEquals(List.of(boom), ((TaskGroupException) seen[1]).failures());
      assertEquals(1, cancelled.get());
    }
  }

  @BackendTest
  void creatingAChildAfterAFailureIsRefused(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      IllegalStateException[] refused = {null};
      TaskGroupException e =
          inTask(
              loop,
              () ->
                  assertThrows(
                      TaskGroupException.class,
                      () ->
                          loop.withTaskGroup(
                              g -> {
                                g.createTask(crashSoon(loop, new ArithmeticException()));
                                g.createTask(
                                    () -> {
                                      try {
                                        return sleepLong(loop);
                                      } catch (CancellationException c) {
                                        refused[0] =
                                            assertThrows(
                                                IllegalStateException.class,
                                                () -> g.createTask(() -> null));
                                        throw c;
                                      }
                                    });
                                return null;
                              })));
      assertInstanceOf(ArithmeticException.class, e.getCause());
      assertTrue(refused[0].getMessage().contains("shutting down"), refused[0].getMessage());
    }
  }

  @BackendTest
  void theCancellingLevelIsPreservedAfterAFailure(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      int[] levels =
          inTask(
              loop,
              () -> {
                Task<?> self = zloop.EventLoops.currentTask().orElseThrow();
                assertThrows(
                    TaskGroupException.class,
                    () ->
                        loop.withTaskGroup(
                            g -> {
                              g.createTask(crashSoon(loop, new IllegalStateException()));
                              return sleepLong(loop);
                            }));
                int afterGroup = self.cancelling();
                loop.sleep(Duration.ZERO).join(); // the group's cancellation must not leak out
                return new int[] {afterGroup, self.cancelling()};
              });
      assertEquals(0, levels[0]);
      assertEquals(0, levels[1]);
    }
  }

  // ---- nested groups ----

  @BackendTest
  void anOuterFailureCancelsTheInnerGroup(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      IllegalArgumentException outerFailure = new IllegalArgumentException("outer");
      TaskGroupException e =
          inTask(
              loop,
              () ->
                  assertThrows(
                      TaskGroupException.class,
                      () ->
                          loop.withTaskGroup(
                              g1 -> {
                                g1.createTask(crashSoon(loop, outerFailure));
                                return loop.withTaskGroup(
                                    g2 -> g2.createTask(() -> sleepLong(loop)));
                              })));
      assertEquals(List.of(outerFailure), e.failures());
    }
  }

  @BackendTest
  void anInnerGroupsFailureIsOneFailureOfTheOuterGroup(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      IllegalArgumentException innerFailure = new IllegalArgumentException("inner");
      AtomicInteger cancelled = new AtomicInteger();
      TaskGroupException e =
          inTask(
              loop,
              () ->
                  assertThrows(
                      TaskGroupException.class,
                      () ->
                          loop.withTaskGroup(
                              g1 -> {
                                g1.createTask(sleeper(loop, cancelled));
                                return loop.withTaskGroup(
                                    g2 -> g2.createTask(crashSoon(loop, innerFailure)));
                              })));
      TaskGroupException inner = assertInstanceOf(TaskGroupException.class, e.getCause());
      assertEquals(1, e.failures().size());
      assertEquals(List.of(innerFailure), inner.failures());
      assertEquals(1, cancelled.get());
    }
  }

  @BackendTest
  void nestedGroupsBothFailingKeepTheCancellingCount(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      int[] levels = new int[2];
      TaskGroupException e =
          inTask(
              loop,
              () -> {
                Task<?> self = zloop.EventLoops.currentTask().orElseThrow();
                TaskGroupException outer =
                    assertThrows(
                        TaskGroupException.class,
                        () ->
                            loop.withTaskGroup(
                                outerGroup -> {
                                  TaskGroupException inner =
                                      assertThrows(
                                          TaskGroupException.class,
                                          () ->
                                              loop.withTaskGroup(
                                                  innerGroup -> {
                                                    innerGroup.createTask(
                                                        crashSoon(loop, new IllegalStateException()));
                                                    outerGroup.createTask(
                                                        crashSoon(loop, new ArithmeticException()));
                                                    return null;
                                                  }));
                                  assertInstanceOf(IllegalStateException.class, inner.getCause());
                                  levels[0] = self.cancelling();
                                  return null;
                                }));
                levels[1] = self.cancelling();
                return outer;
              });
      assertInstanceOf(ArithmeticException.class, e.getCause());
      assertEquals(1, levels[0], "the outer group's request is still pending inside it");
      assertEquals(0, levels[1]);
    }
  }

  // ---- the body fails ----

  @BackendTest
  void aBodyExceptionCancelsTheChildrenAndJoinsTheFailures(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<?>[] tasks = new Task<?>[2];
      ArithmeticException boom = new ArithmeticException("body");
      TaskGroupException e =
          inTask(
              loop,
              () ->
                  assertThrows(
                      TaskGroupException.class,
                      () ->
                          loop.withTaskGroup(
                              g -> {
                                tasks[0] = g.createTask(() -> sleepLong(loop));
                                tasks[1] = g.createTask(() -> sleepLong(loop));
                                loop.sleep(Duration.ZERO).join();
                                throw boom;
                              })));
      assertEquals(List.of(boom), e.failures());
      assertTrue(tasks[0].isCancelled());
      assertTrue(tasks[1].isCancelled());
    }
  }

  @BackendTest
  void aBodyThatTurnsItsCancellationIntoAnExceptionFailsTheGroup(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Void> bodyWaiting = loop.createFuture();
      IllegalStateException converted = new IllegalStateException("converted");
      Task<Object> runner =
          loop.createTask(
              () ->
                  loop.withTaskGroup(
                      g -> {
                        try {
                          bodyWaiting.setResult(null);
                          return sleepLong(loop);
                        } catch (CancellationException e) {
                          throw converted;
                        }
                      }));
      inTask(
          loop,
          () -> {
            bodyWaiting.join();
            runner.cancel();
            return null;
          });
      Throwable failure = assertThrows(TaskGroupException.class, () -> loop.runUntilComplete(runner));
      assertEquals(List.of(converted), ((TaskGroupException) failure).failures());
    }
  }

  @BackendTest
  void aChildFailureAndTheBodysOwnFailureAreReportedTogether(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      ArithmeticException child = new ArithmeticException("child");
      IllegalStateException body = new IllegalStateException("body's finally");
      TaskGroupException e =
          inTask(
              loop,
              () ->
                  assertThrows(
                      TaskGroupException.class,
                      () ->
                          loop.withTaskGroup(
                              g -> {
                                g.createTask(crashSoon(loop, child));
                                try {
                                  return sleepLong(loop);
                                } finally {
                                  throw body;
                                }
                              })));
      assertEquals(List.of(child, body), e.failures());
    }
  }

  @BackendTest
  void tryWithResourcesLetsTheBodysExceptionGoOnAfterTheChildren(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      IllegalStateException boom = new IllegalStateException("body");
      Task<?>[] child = new Task<?>[1];
      IllegalStateException thrown =
          inTask(
              loop,
              () ->
                  assertThrows(
                      IllegalStateException.class,
                      () -> {
                        try (TaskGroup g = loop.taskGroup()) {
                          child[0] = g.createTask(() -> loop.sleep(Duration.ZERO, "done").join());
                          throw boom;
                        }
                      }));
      assertSame(boom, thrown);
      // close() cannot see the body's exception: the child ran to its end, as documented
      assertEquals("done", child[0].result());
    }
  }

  // ---- Errors: asyncio's KeyboardInterrupt and SystemExit ----

  @BackendTest
  void anErrorFromTheBodyIsThrownAsItIsAndTheOtherFailuresGoToTheHandler(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Throwable> handled = new ArrayList<>();
      loop.setExceptionHandler((l, context) -> handled.add(context.exception()));
      ArithmeticException child = new ArithmeticException("child");
      AssertionError fatal = new AssertionError("like KeyboardInterrupt");
      AssertionError thrown =
          inTask(
              loop,
              () ->
                  assertThrows(
                      AssertionError.class,
                      () ->
                          loop.withTaskGroup(
                              g -> {
                                g.createTask(crashSoon(loop, child));
                                try {
                                  return sleepLong(loop);
                                } finally {
                                  throw fatal;
                                }
                              })));
      assertSame(fatal, thrown);
      assertEquals(List.of(child), handled);
    }
  }

  @BackendTest
  void anErrorFromAChildIsThrownAsItIs(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Throwable> handled = new ArrayList<>();
      loop.setExceptionHandler((l, context) -> handled.add(context.exception()));
      StackOverflowErrorLike fatal = new StackOverflowErrorLike();
      IllegalArgumentException body = new IllegalArgumentException("body's finally");
      Error thrown =
          inTask(
              loop,
              () ->
                  assertThrows(
                      Error.class,
                      () ->
                          loop.withTaskGroup(
                              g -> {
                                g.createTask(
                                    () -> {
                                      loop.sleep(Duration.ZERO).join();
                                      throw fatal;
                                    });
                                try {
                                  return sleepLong(loop);
                                } finally {
                                  throw body;
                                }
                              })));
      assertSame(fatal, thrown);
      assertEquals(List.of(body), handled);
    }
  }

  /** An {@link Error} that is not a VirtualMachineError (those stop the loop itself). */
  private static final class StackOverflowErrorLike extends Error {
    private static final long serialVersionUID = 1L;

    StackOverflowErrorLike() {
      super("an Error from a child");
    }
  }

  // ---- the task running the group is cancelled ----

  @BackendTest
  void cancellingTheParentCancelsTheChildrenAndPropagates(String backend) {
    for (boolean blockForm : new boolean[] {true, false}) {
      try (EventLoop loop = Backends.open(backend)) {
        AtomicInteger cancelled = new AtomicInteger();
        Future<Void> allStarted = loop.createFuture();
        Runnable started = countDown(allStarted, 5);
        Callable<Void> child =
            () -> {
              started.run();
              return sleeper(loop, cancelled).call();
            };
        Task<Object> runner =
            loop.createTask(
                () -> {
                  if (blockForm) {
                    return loop.withTaskGroup(
                        g -> {
                          for (int i = 0; i < 5; i++) {
                            g.createTask(child);
                          }
                          return null;
                        });
                  }
                  try (TaskGroup g = loop.taskGroup()) {
                    for (int i = 0; i < 5; i++) {
                      g.createTask(child);
                    }
                  }
                  return null;
                });
        CancellationException e =
            inTask(
                loop,
                () -> {
                  allStarted.join();
                  assertFalse(runner.isDone());
                  runner.cancel("test");
                  return assertThrows(CancellationException.class, runner::join);
                });
        assertEquals("test", e.getMessage(), blockForm ? "block form" : "try-with-resources");
        assertEquals(5, cancelled.get());
        assertTrue(runner.isCancelled());
      }
    }
  }

  @BackendTest
  void cancellingTheParentWhileTheBodyWaitsCancelsBodyAndChildren(String backend) {
    for (boolean blockForm : new boolean[] {true, false}) {
      try (EventLoop loop = Backends.open(backend)) {
        AtomicInteger cancelled = new AtomicInteger();
        Future<Void> bodyWaiting = loop.createFuture();
        Callable<Void> body =
            () -> {
              bodyWaiting.setResult(null);
              try {
                return sleepLong(loop);
              } catch (CancellationException e) {
                cancelled.addAndGet(10);
                throw e;
              }
            };
        Task<Object> runner =
            loop.createTask(
                () -> {
                  if (blockForm) {
                    return loop.withTaskGroup(
                        g -> {
                          for (int i = 0; i < 5; i++) {
                            g.createTask(sleeper(loop, cancelled));
                          }
                          return body.call();
                        });
                  }
                  try (TaskGroup g = loop.taskGroup()) {
                    for (int i = 0; i < 5; i++) {
                      g.createTask(sleeper(loop, cancelled));
                    }
                    return body.call();
                  }
                });
        inTask(
            loop,
            () -> {
              bodyWaiting.join();
              runner.cancel();
              return assertThrows(CancellationException.class, runner::join);
            });
        assertEquals(15, cancelled.get(), blockForm ? "block form" : "try-with-resources");
      }
    }
  }

  @BackendTest
  void aBodyThatWaitsAfterItsCancellationStillPropagatesIt(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Void> bodyWaiting = loop.createFuture();
      Task<Object> runner =
          loop.createTask(
              () ->
                  loop.withTaskGroup(
                      g -> {
                        g.createTask(() -> sleepLong(loop));
                        try {
                          bodyWaiting.setResult(null);
                          return sleepLong(loop);
                        } catch (CancellationException e) {
                          loop.sleep(Duration.ofMillis(5)).join(); // cleanup that waits
                          throw e;
                        }
                      }));
      inTask(
          loop,
          () -> {
            bodyWaiting.join();
            runner.cancel();
            return null;
          });
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(runner));
      assertTrue(runner.isCancelled());
    }
  }

  @BackendTest
  void cancellingTheParentOfNestedGroupsPropagates(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Void> bodyWaiting = loop.createFuture();
      AtomicInteger cancelled = new AtomicInteger();
      Task<Object> runner =
          loop.createTask(
              () ->
                  loop.withTaskGroup(
                      g1 -> {
                        g1.createTask(sleeper(loop, cancelled));
                        return loop.withTaskGroup(
                            g2 -> {
                              g2.createTask(sleeper(loop, cancelled));
                              bodyWaiting.setResult(null);
                              return sleepLong(loop);
                            });
                      }));
      inTask(
          loop,
          () -> {
            bodyWaiting.join();
            runner.cancel();
            return null;
          });
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(runner));
      assertEquals(2, cancelled.get());
    }
  }

  @BackendTest
  void aFailureAndAnOutsideCancellationLeaveTheTaskCancelling(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Void> childRunning = loop.createFuture();
      int[] levels = new int[2];
      boolean[] sleptAfterGroup = {false};
      Task<Object> inner =
          loop.createTask(
              () -> {
                Task<?> self = zloop.EventLoops.currentTask().orElseThrow();
                try {
                  loop.withTaskGroup(
                      g -> {
                        g.createTask(
                            () -> {
                              childRunning.setResult(null);
                              loop.sleep(Duration.ZERO).join();
                              throw new IllegalStateException();
                            });
                        return sleepLong(loop);
                      });
                } catch (TaskGroupException e) {
                  levels[0] = self.cancelling();
                }
                levels[1] = self.cancelling();
                loop.sleep(LONG).join(); // the outside cancellation must arrive here
                sleptAfterGroup[0] = true;
                return null;
              });
      inTask(
          loop,
          () -> {
            childRunning.join();
            assertEquals(0, inner.cancelling());
            inner.cancel();
            assertEquals(1, inner.cancelling());
            assertThrows(CancellationException.class, inner::join);
            return null;
          });
      assertTrue(inner.isCancelled());
      assertEquals(1, levels[0]);
      assertEquals(1, levels[1]);
      assertFalse(sleptAfterGroup[0]);
    }
  }

  // ---- cancel() and misuse ----

  @BackendTest
  void cancelStopsTheGroupWithoutAnException(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      AtomicInteger cancelled = new AtomicInteger();
      boolean[] bodyCancelled = {false};
      int level =
          inTask(
              loop,
              () -> {
                loop.withTaskGroup(
                    g -> {
                      g.createTask(sleeper(loop, cancelled));
                      g.createTask(
                          () -> {
                            loop.sleep(Duration.ZERO).join();
                            g.cancel();
                            return null;
                          });
                      try {
                        return sleepLong(loop);
                      } catch (CancellationException e) {
                        bodyCancelled[0] = true;
                        throw e;
                      }
                    });
                return zloop.EventLoops.currentTask().orElseThrow().cancelling();
              });
      assertEquals(1, cancelled.get());
      assertTrue(bodyCancelled[0]);
      assertEquals(0, level);
    }
  }

  @BackendTest
  void aFinishedGroupRefusesNewTasks(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      IllegalStateException e =
          inTask(
              loop,
              () -> {
                TaskGroup g;
                try (TaskGroup opened = loop.taskGroup()) {
                  g = opened;
                }
                return assertThrows(IllegalStateException.class, () -> g.createTask(() -> null));
              });
      assertTrue(e.getMessage().contains("finished"), e.getMessage());
    }
  }

  @BackendTest
  void aGroupNeedsATaskOfTheLoop(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, loop::taskGroup);
      assertTrue(e.getMessage().contains("parent task"), e.getMessage());
      assertThrows(IllegalStateException.class, () -> loop.withTaskGroup(g -> null));
    }
  }
}
