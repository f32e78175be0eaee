package zloop.engine;

import java.util.HashMap;
import java.util.Map;
import zloop.engine.spi.Backend;

/**
 * {@code addReader}/{@code addWriter}: per descriptor, a reader and a writer callback, and the
 * interest the backend watches for (the union of the two).
 */
final class FdWatchers {
  private final Loop loop;
  private final Backend backend;
  private final Map<Integer, Watch> watches = new HashMap<>();

  private static final class Watch {
    Runnable reader;
    Runnable writer;

    int interest() {
      return (reader != null ? Backend.READABLE : 0) | (writer != null ? Backend.WRITABLE : 0);
    }
  }

  FdWatchers(Loop loop, Backend backend) {
    this.loop = loop;
    this.backend = backend;
  }

  void add(int fd, int kind, Runnable callback) {
    java.util.Objects.requireNonNull(callback, "callback");
    if (fd < 0) {
      throw new IllegalArgumentException("invalid file descriptor: " + fd);
    }
    Watch w = watches.computeIfAbsent(fd, k -> new Watch());
    int before = w.interest();
    if (kind == Backend.READABLE) {
      w.reader = callback;
    } else {
      w.writer = callback;
    }
    try {
      if (before != w.interest() || before == 0) {
        backend.watchFd(fd, w.interest(), this::onReady);
      }
    } catch (RuntimeException e) {
      if (kind == Backend.READABLE) {
        w.reader = null;
      } else {
        w.writer = null;
      }
      if (w.interest() == 0) {
        watches.remove(fd);
      }
      throw e;
    }
  }

  boolean remove(int fd, int kind) {
    Watch w = watches.get(fd);
    if (w == null) {
      return false;
    }
    boolean had = kind == Backend.READABLE ? w.reader != null : w.writer != null;
    if (!had) {
      return false;
    }
    if (kind == Backend.READABLE) {
      w.reader = null;
    } else {
      w.writer = null;
    }
    int interest = w.interest();
    if (interest == 0) {
      watches.remove(fd);
    }
    if (!loop.isClosed()) {
      backend.watchFd(fd, interest, this::onReady);
    }
    return true;
  }

  private void onReady(int fd, int readyBits) {
    Watch w = watches.get(fd);
    if (w == null) {
      return;
    }
    // Errors and hang-ups wake both sides, as poll(2) reports them to readers and writers alike.
    if ((readyBits & Backend.READABLE) != 0 && w.reader != null) {
      run(w.reader);
    }
    if ((readyBits & Backend.WRITABLE) != 0 && w.writer != null) {
      run(w.writer);
    }
  }

  private void run(Runnable callback) {
    try {
      callback.run();
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      loop.errors().report("Exception in fd watcher callback " + callback, t, null);
    }
  }
}
