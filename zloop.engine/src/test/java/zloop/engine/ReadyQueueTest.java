package zloop.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadyQueueTest {

  @Test
  void fifoAcrossGrowthAndWrap() {
    ReadyQueue q = new ReadyQueue();
    List<Callback> added = new ArrayList<>();
    // Interleave adds and polls so the ring wraps before it grows.
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < 200; i++) {
        LoopHandle h = new LoopHandle(() -> {});
        added.add(h);
        q.add(h);
      }
      for (int i = 0; i < 150; i++) {
        assertSame(added.remove(0), q.poll());
      }
    }
    for (int i = 0; i < 2000; i++) {
      LoopHandle h = new LoopHandle(() -> {});
      added.add(h);
      q.add(h);
    }
    assertEquals(added.size(), q.size());
    while (!added.isEmpty()) {
      assertSame(added.remove(0), q.poll());
    }
    assertNull(q.poll());
    assertTrue(q.isEmpty());
  }

  @Test
  void renewalKeepsOrderAndCapacityWhileEntriesAreQueued() {
    ReadyQueue q = new ReadyQueue();
    int expected = 0;
    int next = 0;
    // Keep 300 entries queued (the ring grows to 512 once) across several renewals.
    for (int i = 0; i < 300; i++) {
      q.add(new Seq(next++));
    }
    int capacity = q.capacity();
    for (int i = 0; i < 5 * ReadyQueue.RENEWAL_INTERVAL; i++) {
      q.add(new Seq(next++));
      assertEquals(expected++, ((Seq) q.poll()).n);
    }
    assertEquals(capacity, q.capacity(), "renewal must not grow a ring that is not full");
    assertEquals(300, q.size());
    while (!q.isEmpty()) {
      assertEquals(expected++, ((Seq) q.poll()).n);
    }
    assertEquals(next, expected);
  }

  private record Seq(int n) implements Runnable {
    @Override
    public void run() {}
  }
}
