package zloop.engine.net;

import java.util.HashMap;
import java.util.Map;
import zloop.engine.CallbackGuard;
import zloop.engine.Loop;
import zloop.engine.spi.Backend;
import zloop.engine.spi.WatchedFd;

/**
 * {@code addReader}/{@code addWriter}: per descriptor, a reader and a writer callback, and the
 * interest the backend watches for (the union of the two).
 *
 * <p>All four methods refuse a descriptor that a transport of this loop owns and that is not
 * closing (asyncio's {@code _ensure_fd_no_transport}): watching it, or removing a watch from it,
 * would fight the transport over the same descriptor. The check is the engine's, so every
 * backend refuses alike.
 *
 * <p>Each descriptor's {@link Watch} is the handler the backend calls, so a readiness report goes
 * straight to the descriptor's callbacks: no lookup by descriptor (and no boxed key) per event.
 * What the backends share about watching (argument checks, poll(2) translation, errors waking both
 * sides, dropping a side no longer watched) is {@link zloop.engine.spi.WatchedFd}'s.
 */
public final class FdWatchers {
  private final Loop loop;
  private final Backend backend;
  private final TransportsByFd transports;
  private final Map<Integer, Watch> watches = new HashMap<>();

  /** One descriptor's callbacks; the backend reports readiness to it directly. */
  private final class Watch implements Backend.FdHandler {
    Runnable reader;
    Runnable writer;

    int interest() {
      return (reader != null ? Backend.READABLE : 0) | (writer != null ? Backend.WRITABLE : 0);
    }

    /**
     * Runs from inside the backend's guarded dispatch of the descriptor's event. The backend has
     * already made an error or hang-up wake both sides and dropped sides no longer watched.
     */
    @Override
    public void onReady(int fd, int readyBits) {
      if ((readyBits & Backend.READABLE) != 0 && reader != null) {
        run(reader);
      }
      if ((readyBits & Backend.WRITABLE) != 0 && writer != null) {
        run(writer);
      }
    }
  }

  public FdWatchers(Loop loop, Backend backend, TransportsByFd transports) {
    this.loop = loop;
    this.backend = backend;
    this.transports = transports;
  }

  public void add(int fd, int kind, Runnable callback) {
    java.util.Objects.requireNonNull(callback, "callback");
    WatchedFd.checkFd(fd);
    ensureNoTransport(fd);
    Watch w = watches.computeIfAbsent(fd, k -> new Watch());
    int before = w.interest();
    if (kind == Backend.READABLE) {
      w.reader = callback;
    } else {
      w.writer = callback;
    }
    try {
      if (before != w.interest() || before == 0) {
        backend.watchFd(fd, w.interest(), w);
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

  public boolean remove(int fd, int kind) {
    if (!loop.isClosed()) {
      ensureNoTransport(fd); // a closed loop's transports are gone with its backend
    }
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
      backend.watchFd(fd, interest, w);
    }
    return true;
  }

  private void ensureNoTransport(int fd) {
    Object owner = transports.owner(fd);
    boolean closing =
        owner instanceof StreamTransport s
            ? s.isClosing()
            : owner instanceof zloop.DatagramTransport d && d.isClosing();
    if (owner != null && !closing) {
      throw new IllegalStateException("File descriptor " + fd + " is used by transport " + owner);
    }
  }

  /** A failing reader must not cost the writer its call: the guard's rule, per callback. */
  private void run(Runnable callback) {
    try {
      callback.run();
    } catch (Throwable t) {
      loop.errors()
          .report("Exception in fd watcher callback " + callback, CallbackGuard.survivable(t), null);
    }
  }
}
