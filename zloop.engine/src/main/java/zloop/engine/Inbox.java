package zloop.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The cross-thread inbox: an intrusive multi-producer, single-consumer queue (Vyukov's) of {@link
 * LoopHandle}s. Producers on any thread {@link #push}; only the loop thread polls.
 *
 * <p><b>Caveats</b>: {@link #poll()} may return {@code null} while a producer is between its two
 * steps (the tail swapped, the link not yet written); the pushed node is then seen on a later
 * poll. {@link #isEmpty()} counts such a node as present, so the loop never sleeps on it. A node
 * must not be pushed again before it has been polled.
 */
final class Inbox {
  private static final VarHandle TAIL;

  static {
    try {
      TAIL = MethodHandles.lookup().findVarHandle(Inbox.class, "tail", LoopHandle.class);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private final LoopHandle stub = new Stub();
  private LoopHandle head = stub; // consumer only

  @SuppressWarnings("FieldMayBeFinal")
  private volatile LoopHandle tail = stub;

  /** Adds a node. Any thread; lock-free (one atomic swap). */
  void push(LoopHandle node) {
    LoopHandle.NEXT.set(node, null);
    LoopHandle prev = (LoopHandle) TAIL.getAndSet(this, node);
    LoopHandle.NEXT.setRelease(prev, node);
  }

  /** Whether nothing is queued, including nodes half-way through a push. Loop thread. */
  boolean isEmpty() {
    return head == stub && tail == stub;
  }

  /** The oldest node, or {@code null}. Loop thread. */
  LoopHandle poll() {
    LoopHandle first = head;
    LoopHandle next = (LoopHandle) LoopHandle.NEXT.getAcquire(first);
    if (first == stub) {
      if (next == null) {
        return null;
      }
      head = next;
      first = next;
      next = (LoopHandle) LoopHandle.NEXT.getAcquire(next);
    }
    if (next != null) {
      head = next;
      return first;
    }
    if (first != tail) {
      return null; // a producer is mid-push; its node shows up on a later poll
    }
    push(stub);
    next = (LoopHandle) LoopHandle.NEXT.getAcquire(first);
    if (next != null) {
      head = next;
      return first;
    }
    return null;
  }

  /** Moves up to {@code limit} nodes into the ready queue; returns how many moved. */
  int drainTo(ReadyQueue ready, int limit) {
    int moved = 0;
    LoopHandle c;
    while (moved < limit && (c = poll()) != null) {
      ready.add(c);
      moved++;
    }
    return moved;
  }

  private static final class Stub extends LoopHandle {
    Stub() {
      super(null);
    }

    @Override
    public void run() {
      throw new AssertionError("the inbox stub never runs");
    }
  }
}
