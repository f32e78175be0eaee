package zloop.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimerHeapTest {
  private static final Runnable NOTHING = () -> {};

  @Test
  void popsInDeadlineOrderWithTiesInSchedulingOrder() {
    TimerHeap heap = new TimerHeap();
    Random random = new Random(42);
    List<LoopTimer> scheduled = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      scheduled.add(heap.schedule(random.nextInt(50), NOTHING));
    }
    LoopTimer previous = null;
    LoopTimer t;
    int popped = 0;
    while ((t = heap.pollDue(Long.MAX_VALUE / 4)) != null) {
      if (previous != null) {
        assertTrue(previous.before(t), previous + " then " + t);
      }
      previous = t;
      popped++;
    }
    assertEquals(5000, popped);
  }

  @Test
  void deadlinesCompareAcrossNanoTimeWrapAround() {
    TimerHeap heap = new TimerHeap();
    LoopTimer late = heap.schedule(Long.MIN_VALUE + 10, NOTHING); // just after the wrap
    LoopTimer early = heap.schedule(Long.MAX_VALUE - 10, NOTHING); // just before it
    assertSame(early, heap.pollDue(Long.MAX_VALUE));
    assertNull(heap.pollDue(Long.MAX_VALUE), "the post-wrap timer is not due yet");
    assertSame(late, heap.pollDue(Long.MIN_VALUE + 10));
  }

  @Test
  void onlyDueTimersArePolled() {
    TimerHeap heap = new TimerHeap();
    heap.schedule(100, NOTHING);
    assertNull(heap.pollDue(99));
    assertEquals(100, heap.pollDue(100).when());
  }

  @Test
  void cancelledTimersAreDroppedLazilyWhenTheyReachTheTop() {
    TimerHeap heap = new TimerHeap();
    LoopTimer a = heap.schedule(1, NOTHING);
    LoopTimer b = heap.schedule(2, NOTHING);
    a.cancel();
    assertEquals(2, heap.size(), "cancel does not remove at once");
    assertEquals(1, heap.cancelledCount());
    assertSame(b, heap.peekLive());
    assertEquals(1, heap.size());
    assertEquals(0, heap.cancelledCount());
  }

  @Test
  void aMostlyCancelledHeapIsCompacted() {
    TimerHeap heap = new TimerHeap();
    List<LoopTimer> all = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      all.add(heap.schedule(i, NOTHING));
    }
    for (int i = 0; i < 150; i++) {
      all.get(i * 2).cancel();
    }
    assertFalse(heap.compactIfMostlyCancelled(), "half cancelled is not most");
    all.get(1).cancel();
    assertTrue(heap.compactIfMostlyCancelled());
    assertEquals(149, heap.size());
    assertEquals(0, heap.cancelledCount());
    long last = -1;
    LoopTimer t;
    while ((t = heap.pollDue(1000)) != null) {
      assertFalse(t.isCancelled());
      assertTrue(t.when() > last);
      last = t.when();
    }
  }

  @Test
  void smallHeapsAreNotCompacted() {
    TimerHeap heap = new TimerHeap();
    for (int i = 0; i < TimerHeap.COMPACT_MIN_SIZE; i++) {
      heap.schedule(i, NOTHING).cancel();
    }
    assertFalse(heap.compactIfMostlyCancelled());
  }
}
