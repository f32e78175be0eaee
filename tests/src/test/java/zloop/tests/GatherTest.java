package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.Future;
import zloop.Task;

/** {@code asyncio.gather}: facts from CPython's test_tasks.py (GatherTestsBase and neighbours). */
@Timeout(60)
class GatherTest {

  private static List<Future<Integer>> futures(EventLoop loop, int n) {
    List<Future<Integer>> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(loop.createFuture());
    }
    return list;
  }

  /** Counts how often a done callback ran. */
  private static int[] countCallbacks(Future<?> f) {
    int[] calls = {0};
    f.addDoneCallback(done -> calls[0]++);
    return calls;
  }

  @BackendTest
  void resultsComeInTheOrderOfTheFuturesNotOfCompletion(String backend) {
    for (boolean returnExceptions : new boolean[] {false, true}) {
      try (EventLoop loop = Backends.open(backend)) {
        List<Future<Integer>> abc = futures(loop, 3);
        Future<List<Object>> all = loop.gather(abc, returnExceptions);
        int[] calls = countCallbacks(all);
        abc.get(1).setResult(1);
        abc.get(0).setResult(2);
        Turns.runBriefly(loop);
        assertFalse(all.isDone(), "one child is still pending");
        assertEquals(0, calls[0]);
        abc.get(2).setResult(3);
        Turns.runBriefly(loop);
        assertEquals(1, calls[0]);
        assertEquals(List.of(2, 1, 3), all.result());
      }
    }
  }

  @BackendTest
  void theTypedGatherGivesTheValues(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Future<Integer>> ab = futures(loop, 2);
      Future<List<Integer>> all = loop.gather(ab);
      ab.get(1).setResult(20);
      ab.get(0).setResult(10);
      List<Integer> values = loop.runUntilComplete(all);
      assertEquals(30, values.get(0) + values.get(1));
    }
  }

  @BackendTest
  void theFirstFailureEndsTheGatherAndLaterOutcomesChangeNothing(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Future<Integer>> f = futures(loop, 5);
      Future<List<Integer>> all = loop.gather(f);
      int[] calls = countCallbacks(all);
      ArithmeticException failure = new ArithmeticException("division by zero");
      f.get(0).setResult(1);
      f.get(1).setException(failure);
      Turns.runBriefly(loop);
      assertTrue(all.isDone());
      assertSame(failure, all.exception());
      f.get(2).setResult(3);
      f.get(3).cancel();
      f.get(4).setException(new IllegalStateException("late"));
      Turns.runBriefly(loop);
      assertEquals(1, calls[0]);
      assertSame(failure, all.exception());
    }
  }

  @BackendTest
  void returnExceptionsPutsFailuresInTheList(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Future<Integer>> f = futures(loop, 4);
      Future<List<Object>> all = loop.gather(f, true);
      int[] calls = countCallbacks(all);
      ArithmeticException exc = new ArithmeticException();
      IllegalStateException exc2 = new IllegalStateException();
      f.get(1).setResult(1);
      f.get(2).setException(exc);
      f.get(0).setResult(3);
      Turns.runBriefly(loop);
      assertFalse(all.isDone(), "a failure does not end the gather");
      f.get(3).setException(exc2);
      Turns.runBriefly(loop);
      assertEquals(1, calls[0]);
      assertEquals(Arrays.asList(3, 1, exc, exc2), all.result());
    }
  }

  /** Regression (issue 10 item 7): zloop cancelled the gather; asyncio sets a CancelledError. */
  @BackendTest
  void aCancelledChildFailsTheGatherWithoutCancellingIt(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Future<Integer>> f = futures(loop, 5);
      Future<List<Integer>> all = loop.gather(f);
      int[] calls = countCallbacks(all);
      f.get(0).setResult(1);
      f.get(1).cancel("child stopped");
      Turns.runBriefly(loop);
      assertTrue(all.isDone());
      assertFalse(all.isCancelled(), "one cancelled child does not cancel the gather");
      CancellationException e = assertInstanceOf(CancellationException.class, all.exception());
      assertEquals("child stopped", e.getMessage());
      assertThrows(CancellationException.class, all::result);
      f.get(2).setResult(3);
      f.get(3).cancel();
      f.get(4).setException(new IllegalStateException("late"));
      Turns.runBriefly(loop);
      assertEquals(1, calls[0]);
      assertFalse(f.get(2).isCancelled(), "the other children were left alone");
    }
  }

  @BackendTest
  void returnExceptionsPutsCancellationsInTheList(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Future<Integer>> f = futures(loop, 6);
      Future<List<Object>> all = loop.gather(f, true);
      int[] calls = countCallbacks(all);
      ArithmeticException zde = new ArithmeticException();
      IllegalStateException rte = new IllegalStateException();
      f.get(0).setResult(1);
      f.get(1).setException(zde);
      f.get(2).cancel();
      Turns.runBriefly(loop);
      assertFalse(all.isDone());
      f.get(3).setResult(3);
      f.get(4).cancel("fifth");
      f.get(5).setException(rte);
      List<Object> res = new ArrayList<>(loop.runUntilComplete(all));
      assertInstanceOf(CancellationException.class, res.get(2));
      assertEquals("fifth", assertInstanceOf(CancellationException.class, res.get(4)).getMessage());
      res.set(2, null);
      res.set(4, null);
      assertEquals(Arrays.asList(1, zde, null, 3, null, rte), res);
      assertEquals(1, calls[0]);
      assertFalse(all.isCancelled());
    }
  }

  @BackendTest
  void anEmptyGatherIsDoneAtOnceWithAnEmptyList(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<List<Object>> empty = loop.gather(List.of());
      assertTrue(empty.isDone());
      assertEquals(List.of(), empty.result());
      Future<List<Object>> emptyToo = loop.gather(List.of(), true);
      assertEquals(List.of(), emptyToo.result());
    }
  }

  @BackendTest
  void aGatherOfDoneFuturesIsDoneOnReturn(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<Future<Integer>> f = futures(loop, 2);
      f.get(0).setResult(1);
      f.get(1).setResult(2);
      Future<List<Integer>> all = loop.gather(f);
      assertTrue(all.isDone(), "asyncio 3.12 completes a gather of done futures eagerly");
      assertEquals(List.of(1, 2), all.result());
    }
  }

  @BackendTest
  void futuresOfAnotherLoopAreRefused(String backend) {
    try (EventLoop loop = Backends.open(backend);
        EventLoop other = Backends.open(backend)) {
      Future<Integer> mine = loop.createFuture();
      Future<Integer> theirs = other.createFuture();
      assertThrows(IllegalArgumentException.class, () -> loop.gather(List.of(mine, theirs)));
      Future<List<Integer>> onTheirs = other.gather(List.of(theirs, other.<Integer>createFuture()));
      assertFalse(onTheirs.isDone());
      assertSame(other, onTheirs.loop());
    }
  }

  @BackendTest
  void theSameFutureTwiceGivesItsValueTwice(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<String> c = loop.createTask(() -> "abc");
      Task<String> d = loop.createTask(() -> "def");
      Future<List<String>> all = loop.gather(List.of(c, c, d, c));
      assertEquals(List.of("abc", "abc", "def", "abc"), loop.runUntilComplete(all));
    }
  }

  @BackendTest
  void cancellingTheWaitingTaskCancelsEveryChild(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      int[] proof = {0};
      Future<Void> waiter = loop.createFuture();
      Task<Void> child1 = loop.createTask(() -> { waiter.join(); proof[0] += 1; return null; });
      Task<Void> child2 = loop.createTask(() -> { waiter.join(); proof[0] += 1; return null; });
      List<Future<List<Void>>> gatherer = new ArrayList<>();
      Task<Void> outer =
          loop.createTask(
              () -> {
                Future<List<Void>> g = loop.gather(List.of(child1, child2));
                gatherer.add(g);
                g.join();
                proof[0] += 100;
                return null;
              });
      Turns.runBriefly(loop);
      assertTrue(outer.cancel());
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(outer));
      assertTrue(outer.isCancelled());
      assertFalse(gatherer.get(0).cancel(), "a finished gather refuses cancellation");
      assertTrue(waiter.isCancelled());
      assertTrue(child1.isCancelled());
      assertTrue(child2.isCancelled());
      Turns.runBriefly(loop);
      assertEquals(0, proof[0]);
    }
  }

  /**
   * Regression (issue 10 item 7): with every child done but the gather not yet told, cancel()
   * returned true and cancelled the gather; asyncio returns false and keeps the results.
   */
  @BackendTest
  void cancelRefusesOnceEveryChildIsDone(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Integer> child = loop.createFuture();
      Future<List<Integer>> all = loop.gather(List.of(child));
      boolean[] cancelResult = {true};
      loop.callSoon(
          () -> {
            child.setResult(42);
            cancelResult[0] = all.cancel(); // the gather's own callback has not run yet
          });
      assertEquals(List.of(42), loop.runUntilComplete(all));
      assertFalse(cancelResult[0]);
      assertFalse(all.isCancelled());
    }
  }

  /**
   * Regression (issue 10 item 7, bpo-32684): a child that swallowed the gather's cancellation
   * and returned a value made the gather succeed; asyncio raises CancelledError regardless.
   */
  @BackendTest
  void aCancelledGatherStaysCancelledWhenChildrenSwallowIt(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<String> stubborn =
          loop.createTask(
              () -> {
                try {
                  return loop.sleep(Duration.ofHours(1), "slept").join();
                } catch (CancellationException e) {
                  return "swallowed";
                }
              });
      Future<List<String>> all = loop.gather(List.of(stubborn));
      Task<List<String>> waiting = loop.createTask(all::join);
      Turns.runBriefly(loop);
      assertTrue(all.cancel("stop"), "a child accepted the request");
      assertFalse(all.isDone(), "the gather ends when its children do");
      CancellationException e =
          assertThrows(CancellationException.class, () -> loop.runUntilComplete(waiting));
      assertEquals("swallowed", stubborn.result());
      assertInstanceOf(CancellationException.class, all.exception());
      assertEquals("stop", e.getMessage());
      assertTrue(waiting.isCancelled(), "the task that waited on the gather ends cancelled");
    }
  }

  @BackendTest
  void aCancelledGatherStaysCancelledWithReturnExceptions(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Task<String> stubborn =
          loop.createTask(
              () -> {
                try {
                  return loop.sleep(Duration.ofHours(1), "slept").join();
                } catch (CancellationException e) {
                  return "swallowed";
                }
              });
      Future<Integer> plain = loop.createFuture();
      Future<List<Object>> all = loop.gather(List.of(stubborn, plain), true);
      Turns.runBriefly(loop);
      assertTrue(all.cancel());
      assertTrue(plain.isCancelled());
      assertThrows(CancellationException.class, () -> loop.runUntilComplete(all));
      assertFalse(all.isCancelled());
      assertInstanceOf(CancellationException.class, all.exception());
    }
  }

  /** A task that waits on gather(sleep, returnExceptions) and is cancelled ends cancelled. */
  @BackendTest
  void aCancelledTaskWaitingOnAGatherWithReturnExceptionsEndsCancelled(String backend) {
    for (String message : Arrays.asList(null, "my message")) {
      try (EventLoop loop = Backends.open(backend)) {
        int[] rounds = {0};
        Task<Void> qwe =
            loop.createTask(
                () -> {
                  while (true) {
                    loop.gather(List.of(loop.sleep(Duration.ofMillis(1))), true).join();
                    rounds[0]++;
                  }
                });
        Task<Void> main =
            loop.createTask(
                () -> {
                  while (rounds[0] < 3) {
                    loop.sleep(Duration.ofMillis(1)).join();
                  }
                  qwe.cancel(message);
                  return qwe.join();
                });
        CancellationException e =
            assertThrows(CancellationException.class, () -> loop.runUntilComplete(main));
        assertEquals(message, e.getMessage());
        assertTrue(qwe.isCancelled(), "gather() propagates the cancellation to its caller");
      }
    }
  }

  @BackendTest
  void cancellingAGatherFromAnotherThreadCancelsItsChildren(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Integer> a = loop.createFuture();
      Future<Integer> b = loop.createFuture();
      Future<List<Integer>> both = loop.gather(List.of(a, b));
      Thread canceller = Thread.ofPlatform().start(() -> both.cancel("from afar"));
      CancellationException e =
          assertThrows(CancellationException.class, () -> loop.runUntilComplete(both));
      canceller.join();
      assertEquals("from afar", e.getMessage());
      assertTrue(a.isCancelled());
      assertTrue(b.isCancelled());
    }
  }
}
