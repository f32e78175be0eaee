package zloop.engine.sync;

import java.util.Comparator;
import java.util.Objects;
import zloop.engine.Loop;
import zloop.sync.Barrier;
import zloop.sync.BoundedSemaphore;
import zloop.sync.Condition;
import zloop.sync.Event;
import zloop.sync.Lock;
import zloop.sync.Queue;
import zloop.sync.Semaphore;

/** The loop's factories for {@code zloop.sync}: the only public class of this package. */
public final class Primitives {
  private Primitives() {}

  public static Lock lock(Loop loop) {
    return new LoopLock(loop);
  }

  public static Event event(Loop loop) {
    return new LoopEvent(loop);
  }

  public static Condition condition(Loop loop, Lock lock) {
    Objects.requireNonNull(lock, "lock");
    if (!(lock instanceof LoopLock l) || l.loop != loop) {
      throw new IllegalArgumentException(lock + " was not made by this loop's createLock()");
    }
    return new LoopCondition(loop, l);
  }

  public static Semaphore semaphore(Loop loop, int permits) {
    return new LoopSemaphore(loop, permits);
  }

  public static BoundedSemaphore boundedSemaphore(Loop loop, int permits) {
    return new LoopBoundedSemaphore(loop, permits);
  }

  public static Barrier barrier(Loop loop, int parties) {
    return new LoopBarrier(loop, parties);
  }

  public static <T> Queue<T> fifoQueue(Loop loop, int maxsize) {
    return new LoopQueue<>(loop, maxsize, ItemStore.fifo());
  }

  public static <T> Queue<T> lifoQueue(Loop loop, int maxsize) {
    return new LoopQueue<>(loop, maxsize, ItemStore.lifo());
  }

  public static <T> Queue<T> priorityQueue(Loop loop, int maxsize, Comparator<? super T> order) {
    Objects.requireNonNull(order, "order");
    return new LoopQueue<>(loop, maxsize, ItemStore.priority(order));
  }
}
