package zloop.engine;

/**
 * The callbacks ready to run, FIFO: a growable ring of {@link Callback}s. Loop thread only.
 *
 * <p>The loop runs a snapshot of it each turn ({@link #size()} taken before running), so a
 * callback that schedules another does not run it in the same turn.
 */
final class ReadyQueue {
  private Callback[] ring = new Callback[256];
  private int head; // index of the oldest element, unmasked
  private int tail; // index after the newest element, unmasked

  void add(Callback c) {
    if (tail - head == ring.length) {
      grow();
    }
    ring[tail & (ring.length - 1)] = c;
    tail++;
  }

  /** The oldest callback, or {@code null} when empty. */
  Callback poll() {
    if (head == tail) {
      return null;
    }
    int i = head & (ring.length - 1);
    Callback c = ring[i];
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
    Callback[] bigger = new Callback[ring.length * 2];
    int n = size();
    for (int k = 0; k < n; k++) {
      bigger[k] = ring[(head + k) & (ring.length - 1)];
    }
    ring = bigger;
    head = 0;
    tail = n;
  }
}
