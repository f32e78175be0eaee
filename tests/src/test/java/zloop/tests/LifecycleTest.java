package zloop.tests;

import java.util.concurrent.CompletionException;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.EventLoopClosedException;
import zloop.Future;

/** runForever / runUntilComplete / stop / close, on every backend. */
@Timeout(60)
class LifecycleTest {

  @BackendTest
  void stopBeforeRunRunsOneTurnThenReturns(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<String> ran = new ArrayList<>();
      loop.callSoon(() -> ran.add("first"));
      loop.stop();
      loop.runForever();
      assertEquals(List.of("first"), ran);
      assertFalse(loop.isRunning());
    }
  }

  @BackendTest
  void isRunningIsTrueOnlyInsideRun(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      boolean[] inside = {false};
      loop.callSoon(
          () -> {
            inside[0] = loop.isRunning();
            loop.stop();
          });
      assertFalse(loop.isRunning());
      loop.runForever();
      assertTrue(inside[0]);
      assertFalse(loop.isRunning());
    }
  }

  @BackendTest
  void runUntilCompleteReturnsTheResult(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      loop.callLater(Duration.ofMillis(5), () -> f.setResult("done"));
      assertEquals("done", loop.runUntilComplete(f));
    }
  }

  @BackendTest
  void runUntilCompleteRethrowsTheFailure(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> f = loop.createFuture();
      loop.callSoon(() -> f.setException(new IllegalArgumentException("boom")));
      CompletionException wrapped =
          assertThrows(CompletionException.class, () -> loop.runUntilComplete(f));
      IllegalArgumentException e = assertInstanceOf(IllegalArgumentException.class, wrapped.getCause());
      assertEquals("boom", e.getMessage());
    }
  }

  @BackendTest
  void runUntilCompleteOnALoopStoppedEarlyFailsClearly(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<String> never = loop.createFuture();
      loop.callSoon(loop::stop);
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(never));
      assertEquals("Event loop stopped before Future completed.", e.getMessage());
    }
  }

  @BackendTest
  void runningTwiceIsRefused(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Throwable[] failure = {null};
      loop.callSoon(
          () -> {
            try {
              loop.runForever();
            } catch (IllegalStateException e) {
              failure[0] = e;
            }
            loop.stop();
          });
      loop.runForever();
      assertTrue(failure[0].getMessage().contains("already running"), failure[0].getMessage());
    }
  }

  @BackendTest
  void closingARunningLoopIsRefused(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Throwable[] failure = {null};
      loop.callSoon(
          () -> {
            try {
              loop.close();
            } catch (IllegalStateException e) {
              failure[0] = e;
            }
            loop.stop();
          });
      loop.runForever();
      assertEquals("Cannot close a running event loop", failure[0].getMessage());
      assertFalse(loop.isClosed());
    }
  }

  @BackendTest
  @SuppressWarnings("try") // close() is the subject of this test
  void aClosedLoopRejectsAllNewWork(String backend) {
    EventLoop loop = Backends.open(backend);
    loop.callSoon(() -> {
      throw new AssertionError("dropped callbacks must not run");
    });
    loop.close();
    loop.close(); // idempotent
    assertTrue(loop.isClosed());
    List<Runnable> attempts =
        List.of(
            () -> loop.callSoon(() -> {}),
            () -> loop.callSoonThreadsafe(() -> {}),
            () -> loop.callLater(Duration.ofMillis(1), () -> {}),
            () -> loop.callAt(loop.time(), () -> {}),
            loop::runForever,
            () -> loop.runUntilComplete(loop.createFuture()),
            () -> loop.createTask(() -> 1),
            () -> loop.runInExecutor(null, () -> 1));
    for (Runnable attempt : attempts) {
      EventLoopClosedException e = assertThrows(EventLoopClosedException.class, attempt::run);
      assertEquals("Event loop is closed", e.getMessage());
    }
  }

  @BackendTest
  void theLoopCanBeRunAgainAfterStopping(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      int[] runs = {0};
      for (int i = 0; i < 3; i++) {
        loop.callSoon(() -> runs[0]++);
        loop.callSoon(loop::stop);
        loop.runForever();
      }
      assertEquals(3, runs[0]);
    }
  }

  @BackendTest
  void theLoopNamesItsBackend(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      assertEquals(backend, loop.backendName());
    }
  }
}
