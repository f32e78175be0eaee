package zloop.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class InboxTest {

  private static final class Node extends ThreadSafeHandle {
    final int producer;
    final int seq;

    Node(int producer, int seq) {
      super(() -> {});
      this.producer = producer;
      this.seq = seq;
    }

    @Override
    public void run() {}
  }

  @Test
  void singleThreadedFifo() {
    Inbox inbox = new Inbox();
    assertTrue(inbox.isEmpty());
    assertNull(inbox.poll());
    Node a = new Node(0, 0);
    Node b = new Node(0, 1);
    inbox.push(a);
    inbox.push(b);
    assertSame(a, inbox.poll());
    assertSame(b, inbox.poll());
    assertNull(inbox.poll());
    assertTrue(inbox.isEmpty());
    inbox.push(a); // a polled node may be pushed again
    assertSame(a, inbox.poll());
  }

  @Test
  @Timeout(60)
  void concurrentProducersLoseNothingAndKeepPerProducerOrder() throws Exception {
    int producers = 8;
    int perProducer = 200_000;
    Inbox inbox = new Inbox();
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int id = p;
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < perProducer; i++) {
                      inbox.push(new Node(id, i));
                    }
                  }));
    }
    int[] next = new int[producers];
    int received = 0;
    while (received < producers * perProducer) {
      ThreadSafeHandle c = inbox.poll();
      if (c == null) {
        Thread.onSpinWait();
        continue;
      }
      Node n = (Node) c;
      assertEquals(next[n.producer], n.seq, "producer " + n.producer + " out of order");
      next[n.producer]++;
      received++;
    }
    for (Thread t : threads) {
      t.join();
    }
    assertNull(inbox.poll());
    assertTrue(inbox.isEmpty());
  }
}
