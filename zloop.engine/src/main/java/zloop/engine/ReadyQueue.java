package zloop.engine;

/**
 * The callbacks ready to run, FIFO: a growable ring whose entries are {@link Callback}s or bare
 * {@link Runnable}s ({@link Loop#execute} queues the runnable itself, allocating nothing). Loop
 * thread only.
 *
 * <p>The loop runs a snapshot of it each turn ({@link #size()} taken before running), so a
 * callback that schedules another does not run it in the same turn.
 *
 * <p><b>The ring is renewed</b> (copied into a fresh array) once every {@link #RENEWAL_INTERVAL}
 * adds, or {@link #RENEWALS_PER_CAPACITY}&times; its capacity if that is more, so that it stays in
 * the young generation. A ring that lives long is promoted to the old generation, and then each
 * add stores a (usually young) reference into an old array: G1's card-marking write barrier (JDK
 * 25) executes a StoreLoad fence for every such store; stores into a young array skip it (see
 * docs/bench/h-micro-findings.md). The renewal costs at most one array of the ring's capacity
 * per {@link #RENEWAL_INTERVAL} adds (4 KiB per 64 Ki adds at the usual capacity of 1,024: 0.06
 * bytes per add) and copies only the entries queued at that moment.
 */
final class ReadyQueue {
  /** Adds between two renewals of the ring (at least; see {@link #RENEWALS_PER_CAPACITY}). */
  static final int RENEWAL_INTERVAL = 1 << 16;

  /** A large ring is renewed after this many times its capacity in adds, bounding the copying. */
  private static final int RENEWALS_PER_CAPACITY = 16;

  private Object[] ring = new Object[256];
  private int head; // index of the oldest element, unmasked
  private int tail; // index after the newest element, unmasked
  private int addsUntilRenewal = RENEWAL_INTERVAL;

  void add(Callback c) {
    put(c);
  }

  void add(Runnable r) {
    put(r);
  }

  private void put(Object entry) {
    if (tail - head == ring.length || --addsUntilRenewal <= 0) {
      renew();
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

  /** The ring's capacity, for tests. */
  int capacity() {
    return ring.length;
  }

  /**
   * Moves the entries, in order, to a fresh array: twice as large when the ring is full, the same
   * size otherwise (see the class comment for why a ring is renewed).
   */
  private void renew() {
    int n = size();
    Object[] fresh = new Object[n == ring.length ? ring.length * 2 : ring.length];
    for (int k = 0; k < n; k++) {
      fresh[k] = ring[(head + k) & (ring.length - 1)];
    }
    ring = fresh;
    head = 0;
    tail = n;
    addsUntilRenewal =
        Math.clamp((long) RENEWALS_PER_CAPACITY * fresh.length, RENEWAL_INTERVAL, Integer.MAX_VALUE);
  }
}
