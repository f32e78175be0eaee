package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;

/** Debug mode reports slow callbacks, with their duration, through the "zloop" logger. */
@Timeout(60)
class DebugModeTest {

  @BackendTest
  void slowCallbacksAreReportedWithTheirDuration(String backend) {
    List<String> warnings = new ArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            synchronized (warnings) {
              warnings.add(record.getMessage());
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger logger = Logger.getLogger("zloop");
    logger.addHandler(capture);
    try (EventLoop loop = Backends.open(backend)) {
      loop.setDebug(true);
      assertTrue(loop.getDebug());
      loop.setSlowCallbackDuration(Duration.ofMillis(10));
      assertEquals(Duration.ofMillis(10), loop.slowCallbackDuration());
      loop.callSoon(new SlowWork());
      loop.callSoon(loop::stop);
      loop.runForever();
    } finally {
      logger.removeHandler(capture);
    }
    synchronized (warnings) {
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).matches("Executing .*SlowWork.* took \\d+\\.\\d{3} seconds"), warnings.get(0));
    }
  }

  /** Busy for 30 ms; named so the report can be recognised. */
  static final class SlowWork implements Runnable {
    @Override
    public void run() {
      long end = System.nanoTime() + 30_000_000;
      while (System.nanoTime() - end < 0) {
        Thread.onSpinWait();
      }
    }

    @Override
    public String toString() {
      return "SlowWork";
    }
  }
}
