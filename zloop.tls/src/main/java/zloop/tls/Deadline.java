package zloop.tls;

import java.time.Duration;
import zloop.EventLoop;
import zloop.TimerHandle;

/** One timer that can be armed and disarmed: the handshake's and the shutdown's time limits. */
final class Deadline {
  private final EventLoop loop;
  private TimerHandle timer;

  Deadline(EventLoop loop) {
    this.loop = loop;
  }

  /** Arms the timer (replacing an armed one): {@code onExpiry} runs after {@code delay}. */
  void start(Duration delay, Runnable onExpiry) {
    cancel();
    timer =
        loop.callLater(
            delay,
            () -> {
              timer = null;
              onExpiry.run();
            });
  }

  boolean armed() {
    return timer != null;
  }

  void cancel() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  /** "60 s", "1.5 s", "250 ms": for messages. */
  static String describe(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    return ms % 1000 == 0 ? (ms / 1000) + " s" : (ms / 1000.0) + " s";
  }
}
