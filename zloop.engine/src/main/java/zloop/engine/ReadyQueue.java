package zloop.engine;

/**
 * The callbacks ready to run, FIFO: a growable ring whose entries are {@link Callback}s or bare
 * {@link Runnable}s ({@link Loop#execute} queues the runnable itself, allocating nothing). Loop
 * thread only.
 *
 * <p>The loop runs a snapshot of it each turn ({@link #size()} taken before running), so a
 * callback that schedules another does not run it in the same turn.
 */
final class ReadyQueue {
  private Object[] ring = new Object[256];
  private int head; // index of the oldest element, unmasked
  private int tail; // index after the newest element, unmasked

  void add(Callback c) {
    put(c);
  }

  void add(Runnable r) {
    put(r);
  }

  private void put(Object entry) {
    if (tail - head == ring.length) {
      grow();
    }
    ring[tail & (ring.length - 1)] = entry;
    tail++;
  }

  /** The oldest entry (a {@link Callback} or a {@link Runnable}), or {@code null} when empty. */
  Object poll() {
    if (head == tail) {
      return null;
    }
    int i = head & (ring.length - 1);
    Object c = ring[i];
    ring[i] = null;
    head++;
    return c;
  }

  int size() {
    return tail - head;
  }

  boolean isEmpty() {
    return head == tail;
  }

  void clear() {
    while (poll() != null) {
      // drop
    }
  }

  private void grow() {
    Object[] bigger = new Object[ring.length * 2];
    int n = size();
    for (int k = 0; k < n; k++) {
      bigger[k] = ring[(head + k) & (ring.length - 1)];
    }
    ring = bigger;
    head = 0;
    tail = n;
  }
}
