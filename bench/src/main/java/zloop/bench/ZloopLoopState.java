package zloop.bench;

import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import zloop.EventLoop;
import zloop.EventLoops;

/**
 * A zloop loop on a backend chosen by the {@code backend} parameter. Subclasses are the JMH states
 * of each benchmark: they call {@link #open()} in their {@code @Setup} and {@link #close()} in
 * their {@code @TearDown}, so the order of setup steps stays explicit.
 */
@State(Scope.Thread) // JMH wants @Param fields in a @State class; subclasses are the states used
public abstract class ZloopLoopState {
  /** zloop's backend, by the name {@link EventLoops#newEventLoop(String)} takes. */
  @Param({"nio", "epoll"})
  public String backend;

  EventLoop loop;

  /** {@code loop::stop}, made once so that stopping a batch allocates nothing. */
  Runnable stop;

  /** Opens the loop; fails with zloop's own message if the backend is unavailable here. */
  final void open() {
    loop = EventLoops.newEventLoop(backend);
    if (!loop.backendName().equals(backend)) {
      throw new IllegalStateException("asked for " + backend + ", got " + loop.backendName());
    }
    stop = loop::stop;
  }

  final void close() {
    if (loop != null) {
      loop.close();
    }
  }
}
