package zloop.engine.task;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import zloop.Future;
import zloop.engine.Loop;

/**
 * {@code asyncio.gather}'s future ({@code _GatheringFuture}): the values of its children, in order.
 *
 * <p>Cancelling it cancels the children instead of itself, like cancelling a task: it returns
 * whether any child accepted the request, and the future ends only when the children do. A
 * cancellation it requested always ends it with a {@link CancellationException}, even when every
 * child swallowed its own (bpo-32684), and whatever {@code returnExceptions} says.
 *
 * <p>Without {@code returnExceptions}, the first child that fails ends it with that failure, and
 * the first child that is cancelled ends it with a {@link CancellationException} set as its
 * exception: the future is then failed, not cancelled, so that one cancelled child does not look
 * like a cancelled gather (the other children keep running). With {@code returnExceptions}, a
 * failure (or a {@link CancellationException} for a cancelled child) takes the child's place in
 * the list.
 */
final class GatherFuture extends FollowingFuture<List<Object>> implements Consumer<Future<?>> {
  private final List<LoopFuture<?>> children;
  private final boolean returnExceptions;
  private int pending;
  /** Whether {@link #cancel} reached a child: the outcome is then a cancellation, always. */
  private boolean cancelRequested;

  private String cancelRequestMessage;

  private GatherFuture(Loop loop, List<LoopFuture<?>> children, boolean returnExceptions) {
    super(loop);
    this.children = children;
    this.returnExceptions = returnExceptions;
    this.pending = children.size();
  }

  /**
   * Gathers the children. Those already done are accounted for at once, so a gather of futures
   * that are all done is done on return (asyncio 3.12's eager completion).
   */
  static GatherFuture of(Loop loop, List<LoopFuture<?>> children, boolean returnExceptions) {
    GatherFuture outer = new GatherFuture(loop, children, returnExceptions);
    if (children.isEmpty()) {
      outer.tryComplete(List.of());
      return outer;
    }
    List<LoopFuture<?>> done = new ArrayList<>();
    for (LoopFuture<?> child : children) {
      if (child.isDone()) {
        done.add(child);
      } else {
        child.addDoneCallback(outer);
      }
    }
    for (LoopFuture<?> child : done) {
      outer.accept(child);
    }
    return outer;
  }

  /** One child is done. */
  @Override
  public void accept(Future<?> done) {
    pending--;
    if (isDone()) {
      return;
    }
    LoopFuture<?> child = (LoopFuture<?>) done;
    if (!returnExceptions) {
      if (child.isCancelled()) {
        tryFail(child.cancellation());
        return;
      }
      Throwable failure = child.exception();
      if (failure != null) {
        tryFail(failure);
        return;
      }
    }
    if (pending > 0) {
      return;
    }
    if (cancelRequested) {
      tryFail(new CancellationException(cancelRequestMessage));
    } else {
      tryComplete(collect());
    }
  }

  private List<Object> collect() {
    List<Object> values = new ArrayList<>(children.size());
    for (LoopFuture<?> c : children) {
      if (c.isCancelled()) {
        values.add(c.cancellation());
      } else {
        Throwable failure = c.exception();
        values.add(failure != null ? failure : c.result());
      }
    }
    return Collections.unmodifiableList(values);
  }

  /**
   * Cancels every child that is not done.
   *
   * @return whether any child accepted the cancellation; {@code false} when all are done, even if
   *     this future has not noticed yet (it then ends with their results)
   */
  @Override
  boolean cancelFollowed(String message) {
    boolean any = false;
    for (LoopFuture<?> c : children) {
      any |= c.cancel(message);
    }
    if (any && !cancelRequested) {
      cancelRequested = true;
      cancelRequestMessage = message; // the first request's message, as asyncio keeps it
    }
    return any;
  }

  @Override
  String describe() {
    return "GatheringFuture";
  }
}
