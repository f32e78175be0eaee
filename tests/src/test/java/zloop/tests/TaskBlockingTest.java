package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.EventLoops;
import zloop.Future;
import zloop.Task;

/**
 * What the {@link Task} javadoc says about blocking inside a task, shown on each backend.
 * java.util.concurrent primitives and java.net sockets park the task's virtual thread: the loop
 * runs other callbacks meanwhile. A blocking file read keeps the task mounted on the loop thread:
 * nothing else runs until it returns; {@code runInExecutor} moves it off the loop.
 *
 * <p>Every wait inside a task has a bound (30 s) and its outcome is asserted, so a task that held
 * the loop would fail the test (the callback that releases it could not run) instead of hanging.
 */
@Timeout(120)
class TaskBlockingTest {
  private static final long BOUND_SECONDS = 30;

  @BackendTest
  void aTaskWaitingForAReentrantLockParksAndTheLoopRunsTheCallbackThatFreesIt(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      ReentrantLock lock = new ReentrantLock();
      List<String> order = new ArrayList<>();
      String outcome =
          loop.runUntilComplete(
              () -> {
                EventLoop l = EventLoops.runningLoop();
                lock.lock(); // the main task holds it
                Task<Boolean> waiter =
                    l.createTask(
                        () -> {
                          boolean got = lock.tryLock(BOUND_SECONDS, TimeUnit.SECONDS);
                          order.add("waiter got the lock");
                          if (got) {
                            lock.unlock();
                          }
                          return got;
                        });
                while (!lock.hasQueuedThreads()) {
                  l.sleep(Duration.ZERO).join(); // let the waiter run into tryLock
                }
                Future<Void> callbackRan = l.createFuture();
                l.callSoon(() -> { order.add("callback ran"); callbackRan.setResult(null); });
                callbackRan.join(); // the loop ran it while the waiter was parked
                lock.unlock();
                return waiter.join() ? "acquired" : "timed out";
              });
      assertEquals("acquired", outcome);
      assertEquals(List.of("callback ran", "waiter got the lock"), order);
    }
  }

  @BackendTest
  void aTaskAwaitingACountDownLatchParksUntilALoopCallbackCountsDown(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      CountDownLatch latch = new CountDownLatch(1);
      Task<Boolean> waiter = loop.createTask(() -> latch.await(BOUND_SECONDS, TimeUnit.SECONDS));
      // A callback (not a task) counts down: it can only run if the waiting task left the loop.
      loop.callSoon(() -> loop.callSoon(latch::countDown));
      assertTrue(loop.runUntilComplete(waiter), "the latch wait timed out: the task held the loop");
    }
  }

  @BackendTest
  void aTaskTakingFromABlockingQueueParksUntilALoopCallbackOffers(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      BlockingQueue<String> queue = new ArrayBlockingQueue<>(1);
      Task<String> taker = loop.createTask(() -> queue.poll(BOUND_SECONDS, TimeUnit.SECONDS));
      loop.callSoon(() -> loop.callSoon(() -> queue.add("offered by a callback")));
      assertEquals("offered by a callback", loop.runUntilComplete(taker));
    }
  }

  @BackendTest
  void aTaskInObjectWaitInsideSynchronizedParksUntilALoopCallbackNotifies(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Object monitor = new Object();
      boolean[] ready = {false};
      Task<Boolean> waiter =
          loop.createTask(
              () -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
                synchronized (monitor) {
                  while (!ready[0] && System.nanoTime() < deadline) {
                    monitor.wait(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
                  }
                  return ready[0];
                }
              });
      loop.callSoon(
          () ->
              loop.callSoon(
                  () -> {
                    synchronized (monitor) {
                      ready[0] = true;
                      monitor.notifyAll();
                    }
                  }));
      assertTrue(loop.runUntilComplete(waiter), "the wait timed out: the task held the loop");
    }
  }

  @BackendTest
  void aTaskParkedInAJucWaitSeesItsCancellationOnlyWhenItWakes(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      CountDownLatch latch = new CountDownLatch(1);
      List<String> seen = new ArrayList<>();
      Task<String> waiter =
          loop.createTask(
              () -> {
                boolean opened = latch.await(BOUND_SECONDS, TimeUnit.SECONDS);
                seen.add("latch returned " + opened);
                return EventLoops.runningLoop().sleep(Duration.ZERO, "not cancelled").join();
              });
      loop.callSoon(
          () -> {
            waiter.cancel(); // the latch wait does not end: cancel only wakes zloop waits
            loop.callSoon(latch::countDown);
          });
      Future<Void> settled = loop.createFuture();
      waiter.addDoneCallback(t -> settled.setResult(null));
      loop.runUntilComplete(settled);
      assertEquals(List.of("latch returned true"), seen);
      assertTrue(waiter.isCancelled(), "the cancellation arrives at the next join()");
    }
  }

  @BackendTest
  void aJavaNetSocketReadParksTheTaskAndTheLoopRunsOtherCallbacks(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend);
        ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      CountDownLatch callbackRan = new CountDownLatch(1);
      Thread peer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (Socket s = server.accept()) {
                      // Reply only once the loop ran a callback while the task was reading.
                      if (callbackRan.await(BOUND_SECONDS, TimeUnit.SECONDS)) {
                        s.getOutputStream().write(42);
                      }
                    } catch (IOException | InterruptedException e) {
                      throw new IllegalStateException(e);
                    }
                  });
      int read =
          loop.runUntilComplete(
              () -> {
                try (Socket s = new Socket(server.getInetAddress(), server.getLocalPort())) {
                  InputStream in = s.getInputStream();
                  EventLoops.runningLoop().callSoon(callbackRan::countDown);
                  return in.read(); // parks the task; the callback above runs meanwhile
                }
              });
      peer.join();
      assertEquals(42, read, "-1: the peer gave up, the loop never ran the callback");
    }
  }

  @BackendTest
  void aBlockingFileReadHoldsTheLoopThreadAndRunInExecutorFreesIt(String backend) throws Exception {
    Path dir = Files.createTempDirectory("zloop-fifo");
    Path fifo = dir.resolve("fifo");
    try (EventLoop loop = Backends.open(backend)) {
      assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
      Thread loopThread = Thread.currentThread();

      // 1. Read in the task itself: the task stays mounted on the loop thread while it blocks.
      Thread[] reader = {null};
      String[] observed = {null};
      Thread writer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (FileOutputStream out = new FileOutputStream(fifo.toFile())) {
                      observed[0] = whileBlockedInRead(reader, loopThread);
                      out.write(1);
                    } catch (IOException | InterruptedException e) {
                      observed[0] = "writer failed: " + e;
                    }
                  });
      int first =
          loop.runUntilComplete(
              () -> {
                reader[0] = Thread.currentThread();
                try (FileInputStream in = new FileInputStream(fifo.toFile())) {
                  return in.read();
                }
              });
      writer.join();
      assertEquals(1, first);
      assertEquals("task RUNNABLE in read0; loop thread carrying it", observed[0]);

      // 2. The same read through runInExecutor: the task parks, and a loop callback writes.
      int second =
          loop.runUntilComplete(
              () -> {
                EventLoop l = EventLoops.runningLoop();
                Future<Integer> read =
                    l.runInExecutor(
                        null,
                        () -> {
                          try (FileInputStream in = new FileInputStream(fifo.toFile())) {
                            return in.read();
                          }
                        });
                l.callSoon(
                    () ->
                        l.runInExecutor(
                            null,
                            () -> {
                              try (FileOutputStream out = new FileOutputStream(fifo.toFile())) {
                                out.write(2);
                              }
                              return null;
                            }));
                return l.waitFor(read, Duration.ofSeconds(BOUND_SECONDS)).join();
              });
      assertEquals(2, second);
    } finally {
      Files.deleteIfExists(fifo);
      Files.deleteIfExists(dir);
    }
  }

  /**
   * Waits (bounded) until the reader task is inside FileInputStream's native read, then says what
   * its thread and the loop thread are doing.
   */
  private static String whileBlockedInRead(Thread[] reader, Thread loopThread) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
    while (System.nanoTime() < deadline) {
      Thread r = reader[0];
      if (r != null && inFrame(r.getStackTrace(), "read0")) {
        boolean carrying = inFrame(loopThread.getStackTrace(), "runContinuation");
        return "task " + r.getState() + " in read0; loop thread " + (carrying ? "carrying it" : "free");
      }
      Thread.sleep(5); // polling a state, with a bound: nothing is ordered by this sleep
    }
    return "the task never blocked in read0";
  }

  private static boolean inFrame(StackTraceElement[] stack, String method) {
    return Arrays.stream(stack).anyMatch(f -> f.getMethodName().equals(method));
  }

}
