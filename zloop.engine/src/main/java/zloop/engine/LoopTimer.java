package zloop.engine;

import zloop.TimerHandle;

/** A callback due at a deadline: an entry of the {@link TimerHeap}. */
public final class LoopTimer extends LoopHandle implements TimerHandle {
  final long when;
  final long sequence;
  private final TimerHeap heap;
  /** Position in the heap, or -1 once popped or removed. */
  int heapIndex = -1;

  LoopTimer(long when, long sequence, Runnable callback, TimerHeap heap) {
    super(callback);
    this.when = when;
    this.sequence = sequence;
    this.heap = heap;
  }

  @Override
  public long when() {
    return when;
  }

  @Override
  public void cancel() {
    if (!isCancelled()) {
      super.cancel();
      if (heapIndex >= 0) {
        heap.onCancelled();
      }
    }
  }

  /** Earlier deadline first; equal deadlines in scheduling order. Wrap-around safe. */
  boolean before(LoopTimer other) {
    long d = when - other.when;
    return d < 0 || (d == 0 && sequence < other.sequence);
  }

  @Override
  public String toString() {
    return "TimerHandle[when=" + when + ", " + super.toString() + "]";
  }
}
