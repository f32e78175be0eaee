package zloop.engine.nio;

import java.io.IOException;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import zloop.engine.spi.Backend;

/**
 * The NIO backend: a {@link Selector}, woken with {@link Selector#wakeup()}. Sockets come in with
 * the networking layer; for now it waits and wakes.
 */
final class NioBackend implements Backend {
  private final Selector selector;

  NioBackend() throws IOException {
    selector = Selector.open();
  }

  @Override
  public int poll(long timeoutNanos) throws IOException {
    int n;
    if (timeoutNanos == 0) {
      n = selector.selectNow();
    } else if (timeoutNanos < 0) {
      n = selector.select();
    } else {
      // Round up so a timer's deadline has passed when we return: no early wake-up and spin.
      long millis = TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999);
      n = selector.select(Math.max(1, millis));
    }
    selector.selectedKeys().clear();
    return n;
  }

  @Override
  public void wakeup() {
    selector.wakeup();
  }

  @Override
  public void close() {
    try {
      selector.close();
    } catch (IOException e) {
      // nothing registered can be lost by a failed close of an empty selector
    }
  }
}
