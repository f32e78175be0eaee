package zloop.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The cross-thread inbox: an intrusive multi-producer, single-consumer queue (Vyukov's) of {@link
 * ThreadSafeHandle}s. Producers on any thread {@link #push}; only the loop thread polls.
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
      TAIL = MethodHandles.lookup().findVarHandle(Inbox.class, "tail", ThreadSafeHandle.class);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private final ThreadSafeHandle stub = new Stub();
  private ThreadSafeHandle head = stub; // consumer only

  @SuppressWarnings("FieldMayBeFinal")
  private volatile ThreadSafeHandle tail = stub;

  /** Adds a node. Any thread; lock-free (one atomic swap). */
  void push(ThreadSafeHandle node) {
    ThreadSafeHandle.NEXT.set(node, null);
    ThreadSafeHandle prev = (ThreadSafeHandle) TAIL.getAndSet(this, node);
    ThreadSafeHandle.NEXT.setRelease(prev, node);
  }

  /** Whether nothing is queued, including nodes half-way through a push. Loop thread. */
  boolean isEmpty() {
    return head == stub && tail == stub;
  }

  /** The oldest node, or {@code null}. Loop thread. */
  ThreadSafeHandle poll() {
    ThreadSafeHandle first = head;
    ThreadSafeHandle next = (ThreadSafeHandle) ThreadSafeHandle.NEXT.getAcquire(first);
    if (first == stub) {
      if (next == null) {
        return null;
      }
      head = next;
      first = next;
      next = (ThreadSafeHandle) ThreadSafeHandle.NEXT.getAcquire(next);
    }
    if (next != null) {
      head = next;
      return first;
    }
    if (first != tail) {
      return null; // a producer is mid-push; its node shows up on a later poll
    }
    push(stub);
    next = (ThreadSafeHandle) ThreadSafeHandle.NEXT.getAcquire(first);
    if (next != null) {
      head = next;
      return first;
    }
    return null;
  }

  /** Moves up to {@code limit} nodes into the ready queue; returns how many moved. */
  int drainTo(ReadyQueue ready, int limit) {
    int moved = 0;
    ThreadSafeHandle c;
    while (moved < limit && (c = poll()) != null) {
      ready.add(c);
      moved++;
    }
    return moved;
  }

  private static final class Stub extends ThreadSafeHandle {
    Stub() {
      super(() -> {});
    }

    @Override
    public void run() {
      throw new AssertionError("the inbox stub never runs");
    }
  }
}
