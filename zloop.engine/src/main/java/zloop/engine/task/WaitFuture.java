package zloop.engine.task;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import zloop.Future;
import zloop.Handle;
import zloop.ReturnWhen;
import zloop.WaitResult;
import zloop.engine.Loop;

/**
 * {@code asyncio.wait} as a future: it watches the futures with one done callback each and
 * completes with the done and pending sets when {@link ReturnWhen} is met or the timeout passes.
 * It never touches the futures beyond that callback, which it removes when it completes or is
 * cancelled, so a finished wait leaves nothing registered on futures that live on.
 */
final class WaitFuture<F extends Future<?>> extends LoopFuture<WaitResult<F>>
    implements Consumer<Future<?>> {
  private final List<F> futures;
  private final ReturnWhen returnWhen;
  private int notDone;
  private Handle expiry;

  private WaitFuture(Loop loop, List<F> futures, ReturnWhen returnWhen) {
    super(loop);
    this.futures = futures;
    this.returnWhen = returnWhen;
    this.notDone = futures.size();
  }

  static <F extends Future<?>> WaitFuture<F> of(
      Loop loop, Iterable<? extends F> given, ReturnWhen returnWhen, Duration timeout) {
    java.util.Objects.requireNonNull(returnWhen, "returnWhen");
    List<F> futures = distinctOfLoop(loop, given);
    if (futures.isEmpty()) {
      throw new IllegalArgumentException("Set of Futures is empty.");
    }
    WaitFuture<F> wait = new WaitFuture<>(loop, futures, returnWhen);
    for (F f : futures) {
      f.addDoneCallback(wait); // as asyncio: done ones report through their callback too
    }
    if (timeout != null) {
      wait.expiry = loop.callLater(timeout, wait::finish);
    }
    return wait;
  }

  /** The futures without duplicates (by identity), in the order given, all of this loop. */
  static <F extends Future<?>> List<F> distinctOfLoop(Loop loop, Iterable<? extends F> given) {
    java.util.Objects.requireNonNull(given, "futures");
    Set<F> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    List<F> out = new ArrayList<>();
    for (F f : given) {
      java.util.Objects.requireNonNull(f, "a future is null");
      if (!(f instanceof LoopFuture<?> lf) || lf.loop != loop) {
        throw new IllegalArgumentException(f + " belongs to another loop");
      }
      if (seen.add(f)) {
        out.add(f);
      }
    }
    return out;
  }

  /** One of the futures is done. */
  @Override
  public void accept(Future<?> done) {
    notDone--;
    if (notDone <= 0
        || returnWhen == ReturnWhen.FIRST_COMPLETED
        || (returnWhen == ReturnWhen.FIRST_EXCEPTION
            && !done.isCancelled()
            && done.exception() != null)) {
      finish();
    }
  }

  private void finish() {
    if (isDone()) {
      return;
    }
    Set<F> done = new LinkedHashSet<>();
    Set<F> pending = new LinkedHashSet<>();
    for (F f : futures) {
      (f.isDone() ? done : pending).add(f);
    }
    tryComplete(new WaitResult<>(done, pending));
  }

  /** Completed or cancelled: stop the timer and unhook from the futures. */
  @Override
  public void onDone() {
    if (expiry != null) {
      expiry.cancel();
      expiry = null;
    }
    for (F f : futures) {
      f.removeDoneCallback(this);
    }
  }

  @Override
  String describe() {
    return "Wait";
  }
}
