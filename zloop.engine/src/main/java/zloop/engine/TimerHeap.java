package zloop.engine;

/**
 * Timers ordered by deadline, ties broken by scheduling order: a binary min-heap of {@link
 * LoopTimer}s. Loop thread only.
 *
 * <p>Cancellation is lazy: a cancelled timer stays in the heap and is discarded when it reaches
 * the top, unless most of the heap is cancelled, in which case {@link #compactIfMostlyCancelled}
 * rebuilds the heap from the live timers (asyncio's rule: more than 100 timers, over half of them
 * cancelled).
 */
final class TimerHeap {
  static final int COMPACT_MIN_SIZE = 100;

  private LoopTimer[] heap = new LoopTimer[64];
  private int size;
  private int cancelled;
  private long nextSequence;

  LoopTimer schedule(long when, Runnable callback) {
    LoopTimer t = new LoopTimer(when, nextSequence++, callback, this);
    if (size == heap.length) {
      heap = java.util.Arrays.copyOf(heap, size * 2);
    }
    heap[size] = t;
    t.heapIndex = size;
    siftUp(size++);
    return t;
  }

  int size() {
    return size;
  }

  int cancelledCount() {
    return cancelled;
  }

  void onCancelled() {
    cancelled++;
  }

  /**
   * The earliest live timer, discarding cancelled ones on the way, or {@code null}.
   */
  LoopTimer peekLive() {
    while (size > 0 && heap[0].isCancelled()) {
      removeTop();
      cancelled--;
    }
    return size > 0 ? heap[0] : null;
  }

  /** Removes and returns the earliest timer if it is due at {@code now}, else {@code null}. */
  LoopTimer pollDue(long now) {
    LoopTimer top = peekLive();
    if (top == null || top.when - now > 0) {
      return null;
    }
    removeTop();
    return top;
  }

  /** Rebuilds the heap without cancelled timers when they are the majority. */
  boolean compactIfMostlyCancelled() {
    if (size <= COMPACT_MIN_SIZE || cancelled * 2 <= size) {
      return false;
    }
    int live = 0;
    for (int i = 0; i < size; i++) {
      LoopTimer t = heap[i];
      if (t.isCancelled()) {
        t.heapIndex = -1;
      } else {
        heap[live++] = t;
      }
    }
    for (int i = live; i < size; i++) {
      heap[i] = null;
    }
    size = live;
    cancelled = 0;
    for (int i = 0; i < size; i++) {
      heap[i].heapIndex = i;
    }
    for (int i = (size >>> 1) - 1; i >= 0; i--) {
      siftDown(i);
    }
    return true;
  }

  void clear() {
    for (int i = 0; i < size; i++) {
      heap[i].heapIndex = -1;
      heap[i] = null;
    }
    size = 0;
    cancelled = 0;
  }

  private void removeTop() {
    LoopTimer top = heap[0];
    top.heapIndex = -1;
    size--;
    if (size > 0) {
      heap[0] = heap[size];
      heap[0].heapIndex = 0;
      heap[size] = null;
      siftDown(0);
    } else {
      heap[0] = null;
    }
  }

  private void siftUp(int i) {
    LoopTimer t = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      LoopTimer p = heap[parent];
      if (!t.before(p)) {
        break;
      }
      heap[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    heap[i] = t;
    t.heapIndex = i;
  }

  private void siftDown(int i) {
    LoopTimer t = heap[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      LoopTimer c = heap[child];
      int right = child + 1;
      if (right < size && heap[right].before(c)) {
        child = right;
        c = heap[child];
      }
      if (!c.before(t)) {
        break;
      }
      heap[i] = c;
      c.heapIndex = i;
      i = child;
    }
    heap[i] = t;
    t.heapIndex = i;
  }
}
