package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.ExceptionContext;
import zloop.Handle;

/** Failures in callbacks go to the exception handler; the loop keeps running. */
@Timeout(60)
class ExceptionHandlerTest {

  @BackendTest
  void anExceptionFromACallbackReachesTheHandlerAndTheLoopKeepsRunning(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<ExceptionContext> seen = new ArrayList<>();
      loop.setExceptionHandler((l, ctx) -> seen.add(ctx));
      RuntimeException boom = new IllegalStateException("boom");
      Handle h = loop.callSoon(() -> { throw boom; });
      boolean[] after = {false};
      loop.callSoon(() -> after[0] = true);
      loop.callSoon(loop::stop);
      loop.runForever();
      assertTrue(after[0], "the callback after the failing one did not run");
      assertEquals(1, seen.size());
      assertSame(boom, seen.get(0).exception());
      assertSame(h, seen.get(0).handle());
      assertTrue(seen.get(0).message().startsWith("Exception in callback"));
    }
  }

  @BackendTest
  void aHandlerThatThrowsDoesNotStopTheLoop(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      loop.setExceptionHandler((l, ctx) -> { throw new IllegalStateException("handler broke"); });
      loop.callSoon(() -> { throw new IllegalArgumentException("first"); });
      int[] after = {0};
      loop.callSoon(() -> after[0]++);
      loop.callSoon(loop::stop);
      loop.runForever();
      assertEquals(1, after[0]);
    }
  }

  @BackendTest
  void callExceptionHandlerAndTheDefaultAreReachable(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<String> messages = new ArrayList<>();
      loop.setExceptionHandler(
          (l, ctx) -> {
            messages.add(ctx.message());
            l.defaultExceptionHandler(ctx); // logs; must not throw
          });
      assertNotNull(loop.getExceptionHandler());
      loop.callExceptionHandler(ExceptionContext.of("custom", new RuntimeException("x")));
      assertEquals(List.of("custom"), messages);
      loop.setExceptionHandler(null);
      assertEquals(null, loop.getExceptionHandler());
      loop.callExceptionHandler(ExceptionContext.of("to the default logger", null));
    }
  }
}
