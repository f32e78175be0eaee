package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.EventLoops;
import zloop.Future;
import zloop.Task;

/**
 * Virtual threads started inside a task: the JDK hands a child its parent's scheduler, and the
 * parent's is the loop. Executor work, name resolution and structured subtasks must still run off
 * the loop, and only the task's own thread is "in the task".
 */
@Timeout(60)
class TaskCarrierTest {

  /**
   * Where the calling code runs: the carrier's name for a mounted virtual thread ("...@carrier"),
   * the thread's own name for a platform thread.
   */
  private static String carrierName() {
    Thread t = Thread.currentThread();
    if (!t.isVirtual()) {
      return t.getName();
    }
    String s = t.toString();
    return s.substring(s.lastIndexOf('@') + 1);
  }

  @BackendTest
  void runInExecutorFromATaskNeverRunsOnTheLoopThread(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      String loopThread = Thread.currentThread().getName();
      Task<String> task =
          loop.createTask(() -> loop.runInExecutor(null, TaskCarrierTest::carrierName).join());
      String where = loop.runUntilComplete(task);
      assertNotEquals(loopThread, where, "default executor work ran on the loop thread");
    }
  }

  @BackendTest
  void aUserVirtualThreadExecutorFromATaskRunsOffTheLoop(String backend) {
    try (ExecutorService userExecutor = Executors.newVirtualThreadPerTaskExecutor();
        EventLoop loop = Backends.open(backend)) {
      String loopThread = Thread.currentThread().getName();
      Task<String> task =
          loop.createTask(
              () -> loop.runInExecutor(userExecutor, TaskCarrierTest::carrierName).join());
      assertNotEquals(loopThread, loop.runUntilComplete(task));
    }
  }

  @BackendTest
  void nameResolutionFromATaskRunsOffTheLoop(String backend) {
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        EventLoop loop = Backends.open(backend)) {
      String loopThread = Thread.currentThread().getName();
      List<String> resolvedOn = new ArrayList<>();
      // The default executor, observed: records where each lookup runs, then runs it.
      loop.setDefaultExecutor(
          work ->
              threads.execute(
                  () -> {
                    synchronized (resolvedOn) {
                      resolvedOn.add(carrierName());
                    }
                    work.run();
                  }));
      Task<List<InetSocketAddress>> task = loop.createTask(() -> loop.getAddrInfo("localhost", 80).join());
      List<InetSocketAddress> addresses = loop.runUntilComplete(task);
      assertFalse(addresses.isEmpty());
      assertTrue(addresses.stream().allMatch(a -> a.getAddress().isLoopbackAddress()));
      synchronized (resolvedOn) {
        assertEquals(1, resolvedOn.size());
        assertNotEquals(loopThread, resolvedOn.get(0), "the lookup ran on the loop thread");
      }
    }
  }

  /**
   * Many child threads of one task, all released in one turn: each must run to its end. (With one
   * continuation slot per task they overwrote each other and children never resumed.)
   */
  @BackendTest
  void everyChildThreadOfATaskRunsToItsEnd(String backend) {
    int children = 50;
    try (EventLoop loop = Backends.open(backend)) {
      String loopThread = Thread.currentThread().getName();
      List<String> carriers = new ArrayList<>();
      Task<List<String>> task =
          loop.createTask(
              () -> {
                CountDownLatch release = new CountDownLatch(1);
                List<Future<String>> finished = new ArrayList<>();
                for (int i = 0; i < children; i++) {
                  Future<String> done = loop.createFuture();
                  finished.add(done);
                  int n = i;
                  Thread.ofVirtual()
                      .start(
                          () -> {
                            try {
                              release.await();
                              synchronized (carriers) {
                                carriers.add(carrierName());
                              }
                              done.setResult("child " + n); // from another thread: hops in
                            } catch (InterruptedException e) {
                              done.setException(e);
                            }
                          });
                }
                loop.sleep(Duration.ZERO).join(); // the parent parks while children are around
                release.countDown(); // wakes every child in this one turn
                return loop.waitFor(loop.gather(finished), Duration.ofSeconds(20)).join();
              });
      List<String> results = loop.runUntilComplete(task);
      assertEquals(children, results.size());
      assertEquals("child 49", results.get(49));
      synchronized (carriers) {
        assertEquals(children, carriers.size());
        assertFalse(carriers.contains(loopThread), "a child thread ran on the loop thread");
      }
    }
  }

  /** The task is current on its own thread only, and so is the running loop. */
  @BackendTest
  void aChildThreadIsNotTheTaskAndSeesNoRunningLoop(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<List<Object>> task =
          loop.createTask(
              () -> {
                List<Object> seen = new ArrayList<>();
                seen.add(EventLoops.currentTask().orElse(null));
                Future<Object> childSaw = loop.createFuture();
                Thread.ofVirtual()
                    .start(
                        () -> {
                          boolean loopVisible;
                          try {
                            EventLoops.runningLoop();
                            loopVisible = true;
                          } catch (IllegalStateException none) {
                            loopVisible = false;
                          }
                          childSaw.setResult(
                              EventLoops.currentTask().isPresent() + "/" + loopVisible);
                        });
                seen.add(childSaw.join());
                return seen;
              },
              "parent");
      List<Object> seen = loop.runUntilComplete(task);
      assertEquals(task, seen.get(0));
      assertEquals("false/false", seen.get(1));
    }
  }

  /**
   * A {@code StructuredTaskScope} subtask inherits the task's scoped values. It is another thread:
   * it must not be "the current task", and its {@code join()} on a loop future must park it, not
   * run the task's await (which hung the loop). The scope is reached by reflection: the API is a
   * preview in JDK 25 and the tests compile without preview features.
   */
  @BackendTest
  void aStructuredSubtaskIsNotTheTaskAndItsJoinWaitsLikeAnyThread(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> value = loop.createFuture();
      Task<String> task =
          loop.createTask(
              () -> {
                Callable<String> subtask =
                    () -> {
                      boolean isTask = EventLoops.currentTask().isPresent();
                      return isTask + "/" + value.join() + "/" + carrierName();
                    };
                loop.callLater(Duration.ofMillis(1), () -> value.setResult("set by the loop"));
                return runInStructuredScope(subtask);
              });
      String loopThread = Thread.currentThread().getName();
      String[] parts = loop.runUntilComplete(task).split("/");
      assertEquals("false", parts[0], "the subtask believed it was the task");
      assertEquals("set by the loop", parts[1]);
      assertNotEquals(loopThread, parts[2]);
    }
  }

  /** StructuredTaskScope.open(); fork(body); join(); the subtask's result; close(). */
  private static String runInStructuredScope(Callable<String> body) throws Exception {
    Class<?> scopeClass = Class.forName("java.util.concurrent.StructuredTaskScope");
    Class<?> subtaskClass = Class.forName("java.util.concurrent.StructuredTaskScope$Subtask");
    Method fork = scopeClass.getMethod("fork", Callable.class);
    Method join = scopeClass.getMethod("join");
    Method close = scopeClass.getMethod("close");
    Method get = subtaskClass.getMethod("get");
    Object scope = scopeClass.getMethod("open").invoke(null);
    try {
      Object subtask = fork.invoke(scope, body);
      join.invoke(scope); // parks the task's thread; the loop goes on
      return (String) get.invoke(subtask);
    } finally {
      close.invoke(scope);
    }
  }

  /** A child thread's timed park wakes it off the loop too (the timeout path of the JDK). */
  @BackendTest
  void aChildThreadsTimedParkCompletes(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      CountDownLatch childDone = new CountDownLatch(1);
      Task<Void> task =
          loop.createTask(
              () -> {
                Thread.ofVirtual()
                    .start(
                        () -> {
                          try {
                            Thread.sleep(5);
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                          childDone.countDown();
                        });
                return null;
              });
      loop.runUntilComplete(task);
      // The loop is not running now: a child scheduled by it could not finish.
      assertTrue(childDone.await(20, TimeUnit.SECONDS), "the child thread never finished");
    }
  }
}
