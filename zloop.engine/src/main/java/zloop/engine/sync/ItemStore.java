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

  abstract void add(T item);

  /** The next item to get, removed; {@code null} when empty. */
  abstract T poll();

  /** Puts back an item a get took but could not deliver, so it is the next one taken. */
  abstract void putBack(T item);

  /** Removes this very item (by identity); whether it was still there. */
  abstract boolean removeIdentical(T item);

  abstract int size();

  abstract void clear();

  static <T> ItemStore<T> fifo() {
    return new Deque<>(false);
  }

  static <T> ItemStore<T> lifo() {
    return new Deque<>(true);
  }

  static <T> ItemStore<T> priority(Comparator<? super T> order) {
    return new Heap<>(order);
  }

  /** FIFO takes from the head, LIFO from the tail; both put back where they take from. */
  private static final class Deque<T> extends ItemStore<T> {
    private final ArrayDeque<T> items = new ArrayDeque<>();
    private final boolean lastIn;

    Deque(boolean lastIn) {
      this.lastIn = lastIn;
    }

    @Override
    void add(T item) {
      items.addLast(item);
    }

    @Override
    T poll() {
      return lastIn ? items.pollLast() : items.pollFirst();
    }

    @Override
    void putBack(T item) {
      if (lastIn) {
        items.addLast(item);
      } else {
        items.addFirst(item);
      }
    }

    @Override
    boolean removeIdentical(T item) {
      return removeFrom(items.descendingIterator(), item);
    }

    @Override
    int size() {
      return items.size();
    }

    @Override
    void clear() {
      items.clear();
    }
  }

  private static final class Heap<T> extends ItemStore<T> {
    private final PriorityQueue<T> items;

    Heap(Comparator<? super T> order) {
      items = new PriorityQueue<>(order);
    }

    @Override
    void add(T item) {
      items.add(item);
    }

    @Override
    T poll() {
      return items.poll();
    }

    @Override
    void putBack(T item) {
      items.add(item); // it was the least; it is the least again
    }

    @Override
    boolean removeIdentical(T item) {
      return removeFrom(items.iterator(), item);
    }

    @Override
    int size() {
      return items.size();
    }

    @Override
    void clear() {
      items.clear();
    }
  }

  private static <T> boolean removeFrom(Iterator<T> it, T item) {
    while (it.hasNext()) {
      if (it.next() == item) {
        it.remove();
        return true;
      }
    }
    return false;
  }
}
