package zloop.engine.sync;

import java.util.ArrayDeque;
import java.util.Objects;
import zloop.Future;
import zloop.engine.Loop;
import zloop.sync.Queue;
import zloop.sync.QueueEmptyException;
import zloop.sync.QueueFullException;
import zloop.sync.QueueShutDownException;

/**
 * asyncio's {@code Queue} (3.13): getters and putters wait FIFO, and what they wait for is handed
 * to them. An item put while getters wait goes to the first getter; a slot that a get frees while
 * putters wait takes the first putter's item. So a queued getter means the store is empty, and a
 * queued putter means it is full, and a newcomer never overtakes a waiter.
 */
final class LoopQueue<T> extends Primitive implements Queue<T> {
  private final ItemStore<T> store;
  private final int maxsize;
  private final ArrayDeque<Grant<T>> getters = new ArrayDeque<>();
  private final ArrayDeque<Putter<T>> putters = new ArrayDeque<>();
  private final LoopEvent finished;
  private int unfinished;
  private boolean shutDown;
  /** Set by {@code shutdown(true)}: from then on an item given back is dropped, not queued. */
  private boolean drained;

  LoopQueue(Loop loop, int maxsize, ItemStore<T> store) {
    super(loop);
    this.maxsize = maxsize;
    this.store = store;
    this.finished = new LoopEvent(loop);
    finished.set();
  }

  /** A putter's grant, holding the item it puts once a slot is free. */
  private static final class Putter<T> extends Grant<Void> {
    final T item;

    Putter(Loop loop, GrantOwner owner, T item) {
      super(loop, owner);
      this.item = item;
    }
  }

  @Override
  public Future<Void> put(T item) {
    Objects.requireNonNull(item, "item");
    checkLoop();
    if (shutDown) {
      return failed(new QueueShutDownException());
    }
    if (!isFull()) {
      enqueue(item); // not full implies no putter is waiting
      return completed(null);
    }
    Putter<T> p = new Putter<>(loop, this, item);
    putters.add(p);
    return p;
  }

  @Override
  public void putNowait(T item) {
    Objects.requireNonNull(item, "item");
    checkLoop();
    if (shutDown) {
      throw new QueueShutDownException();
    }
    if (isFull()) {
      throw new QueueFullException();
    }
    enqueue(item);
  }

  private void enqueue(T item) {
    unfinished++;
    finished.clear();
    deliver(item);
  }

  /** To the first getter if one waits (the store is then empty), else into the store. */
  private void deliver(T item) {
    Grant<T> getter = getters.poll();
    if (getter != null) {
      getter.grant(item);
    } else {
      store.add(item);
    }
  }

  @Override
  public Future<T> get() {
    checkLoop();
    if (store.size() > 0) {
      return completed(take());
    }
    if (shutDown) {
      return failed(new QueueShutDownException());
    }
    Grant<T> g = new Grant<>(loop, this);
    getters.add(g);
    return g;
  }

  @Override
  public T getNowait() {
    checkLoop();
    if (store.size() == 0) {
      throw shutDown ? new QueueShutDownException() : new QueueEmptyException();
    }
    return take();
  }

  private T take() {
    T item = store.poll();
    admitPutter();
    return item;
  }

  private void admitPutter() {
    if (isFull()) {
      return;
    }
    Putter<T> p = putters.poll();
    if (p != null) {
      enqueue(p.item);
      p.grant(null);
    }
  }

  @Override
  public void taskDone() {
    checkLoop();
    if (unfinished <= 0) {
      throw new IllegalStateException("taskDone() called too many times");
    }
    finishOne();
  }

  private void finishOne() {
    unfinished--;
    if (unfinished == 0) {
      finished.set();
    }
  }

  @Override
  public Future<Void> join() {
    checkLoop();
    return finished.await();
  }

  @Override
  public void shutdown() {
    shutdown(false);
  }

  @Override
  public void shutdown(boolean immediate) {
    checkLoop();
    shutDown = true;
    if (immediate) {
      drained = true;
      for (int n = store.size(); n > 0; n--) {
        if (unfinished > 0) {
          finishOne(); // each dropped item counts as done, which may end a join()
        }
      }
      store.clear();
    }
    // Getters wait only on an empty store, and now it stays empty; putters can never put.
    Grant<T> g;
    while ((g = getters.poll()) != null) {
      g.tryFail(new QueueShutDownException());
    }
    Putter<T> p;
    while ((p = putters.poll()) != null) {
      p.tryFail(new QueueShutDownException());
    }
  }

  @Override
  public boolean isShutDown() {
    return shutDown;
  }

  @Override
  public int size() {
    return store.size();
  }

  @Override
  public int maxsize() {
    return maxsize;
  }

  @Override
  public boolean isEmpty() {
    return store.size() == 0;
  }

  @Override
  public boolean isFull() {
    return maxsize > 0 && store.size() >= maxsize;
  }

  @Override
  public void withdrawn(Grant<?> grant) {
    if (grant instanceof Putter<?>) {
      putters.remove(grant);
    } else {
      getters.remove(grant);
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public void givenUp(Grant<?> grant, Object value) {
    if (grant instanceof Putter<?> p) {
      // Its item went in, but its task will not know: take it back if no one got it yet.
      if (store.removeIdentical((T) p.item)) {
        finishOne();
        admitPutter();
      }
      return;
    }
    if (drained) {
      // Handed over before an immediate shutdown, which would have dropped it had the getter not
      // had it yet (asyncio's getters take items from the queue itself): drop it now, as done.
      if (unfinished > 0) {
        finishOne();
      }
      return;
    }
    // A getter was handed an item it will not use: the next getter gets it, else the head.
    T item = (T) value;
    Grant<T> next = getters.poll();
    if (next != null) {
      next.grant(item);
    } else {
      store.putBack(item);
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Queue[maxsize=").append(maxsize);
    sb.append(", size=").append(store.size());
    if (!getters.isEmpty()) {
      sb.append(", getters:").append(getters.size());
    }
    if (!putters.isEmpty()) {
      sb.append(", putters:").append(putters.size());
    }
    if (unfinished > 0) {
      sb.append(", tasks=").append(unfinished);
    }
    if (shutDown) {
      sb.append(", shutdown");
    }
    return sb.append(']').toString();
  }
}
