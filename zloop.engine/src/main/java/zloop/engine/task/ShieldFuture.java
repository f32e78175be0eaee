package zloop.engine.task;

import java.util.function.Consumer;
import zloop.Future;
import zloop.engine.Loop;

/**
 * {@code asyncio.shield}: mirrors the inner future, but cancelling this one stops only the
 * waiting, never the inner work. A cancelled shield removes its callback from the inner future,
 * so an inner failure nobody reads later is reported as never retrieved, as asyncio's is; only
 * when the inner future ended in the same turn is its failure marked read here (asyncio's rule).
 */
final class ShieldFuture<T> extends LoopFuture<T> implements Consumer<Future<T>> {
  private final LoopFuture<T> inner;

  private ShieldFuture(Loop loop, LoopFuture<T> inner) {
    super(loop);
    this.inner = inner;
  }

  static <T> Future<T> of(Loop loop, Future<T> future) {
    java.util.Objects.requireNonNull(future, "future");
    if (!(future instanceof LoopFuture<T> inner) || inner.loop != loop) {
      throw new IllegalArgumentException(future + " belongs to another loop");
    }
    loop.checkThread();
    if (inner.isDone()) {
      return inner;
    }
    ShieldFuture<T> outer = new ShieldFuture<>(loop, inner);
    inner.addDoneCallback(outer);
    return outer;
  }

  /** The inner future is done. */
  @Override
  public void accept(Future<T> done) {
    if (isCancelled()) {
      if (!inner.isCancelled()) {
        inner.exception(); // nobody waits through the shield any more: the failure is seen here
      }
      return;
    }
    if (inner.isCancelled()) {
      super.cancel(inner.cancelMessage());
    } else if (inner.exception() != null) {
      tryFail(inner.exception());
    } else {
      tryComplete(inner.result());
    }
  }

  @Override
  public void onDone() {
    if (isCancelled() && !inner.isDone()) {
      inner.removeDoneCallback(this);
    }
  }

  @Override
  String describe() {
    return "Shield";
  }
}
