package zloop.engine.sync;

import zloop.engine.Loop;
import zloop.engine.task.LoopFuture;
import zloop.engine.task.LoopTask;

/**
 * What every synchronization primitive shares: the loop it belongs to, the guard that refuses use
 * from another loop or thread, and the owner side of its {@link Grant}s.
 */
abstract class Primitive implements GrantOwner {
  final Loop loop;

  Primitive(Loop loop) {
    this.loop = loop;
  }

  /**
   * Refuses a call from a task or callback of another loop (asyncio's {@code _LoopBoundMixin}
   * check, with its message), and from another thread while the loop runs.
   */
  final void checkLoop() {
    Loop running = Loop.currentlyRunning();
    if (running != null && running != loop) {
      throw new IllegalStateException(this + " is bound to a different event loop");
    }
    loop.checkThread();
  }

  /** Refuses to wait where waiting would block the loop: on its thread outside a task. */
  final void checkMayWait(String what) {
    if (loop.inLoopThread() && LoopTask.current() == null) {
      throw new IllegalStateException(
          what + " waits: call it from a task (EventLoop.createTask), or use the future-returning"
              + " method from a callback");
    }
  }

  /** A future that is already complete with the value: the no-wait path. */
  final <T> LoopFuture<T> completed(T value) {
    LoopFuture<T> f = new LoopFuture<>(loop);
    f.tryComplete(value);
    return f;
  }

  /** A future that has already failed: a wait that cannot start. */
  final <T> LoopFuture<T> failed(RuntimeException failure) {
    LoopFuture<T> f = new LoopFuture<>(loop);
    f.tryFail(failure);
    return f;
  }

  /** Only the primitives that hand something over have anything to give back. */
  @Override
  public void givenUp(Grant<?> grant, Object value) {}
}
