package zloop.engine.sync;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Iterator;
import java.util.PriorityQueue;

/**
 * Where a {@link LoopQueue} keeps its items, and the one thing that differs between asyncio's
 * {@code Queue}, {@code LifoQueue} and {@code PriorityQueue}: which item a get takes.
 */
abstract class ItemStore<T> {
  private final java.util.Queue<T> items;

  private ItemStore(java.util.Queue<T> items) {
    this.items = items;
  }

  static <T> ItemStore<T> fifo() {
    return new Ends<>(false);
  }

  static <T> ItemStore<T> lifo() {
    return new Ends<>(true);
  }

  static <T> ItemStore<T> priority(Comparator<? super T> order) {
    return new Heap<>(order);
  }

  void add(T item) {
    items.add(item);
  }

  /** The next item to get, removed; {@code null} when empty. */
  abstract T poll();

  /** Puts back an item a get took but could not deliver, so it is the next one taken. */
  abstract void putBack(T item);

  /** Removes this very item (by identity); whether it was still there. */
  final boolean removeIdentical(T item) {
    for (Iterator<T> it = items.iterator(); it.hasNext(); ) {
      if (it.next() == item) {
        it.remove();
        return true;
      }
    }
    return false;
  }

  final int size() {
    return items.size();
  }

  final void clear() {
    items.clear();
  }

  /** FIFO takes from the head, LIFO from the tail; both put back where they take from. */
  private static final class Ends<T> extends ItemStore<T> {
    private final ArrayDeque<T> deque;
    private final boolean lastIn;

    Ends(boolean lastIn) {
      this(new ArrayDeque<>(), lastIn);
    }

    private Ends(ArrayDeque<T> deque, boolean lastIn) {
      super(deque);
      this.deque = deque;
      this.lastIn = lastIn;
    }

    @Override
    T poll() {
      return lastIn ? deque.pollLast() : deque.pollFirst();
    }

    @Override
    void putBack(T item) {
      if (lastIn) {
        deque.addLast(item);
      } else {
        deque.addFirst(item);
      }
    }
  }

  /** The least item first; one taken and put back is the least again. */
  private static final class Heap<T> extends ItemStore<T> {
    private final PriorityQueue<T> heap;

    Heap(Comparator<? super T> order) {
      this(new PriorityQueue<>(order));
    }

    private Heap(PriorityQueue<T> heap) {
      super(heap);
      this.heap = heap;
    }

    @Override
    T poll() {
      return heap.poll();
    }

    @Override
    void putBack(T item) {
      heap.add(item);
    }
  }
}
