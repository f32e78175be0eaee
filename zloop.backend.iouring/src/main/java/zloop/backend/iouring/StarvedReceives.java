package zloop.backend.iouring;

import java.util.Arrays;

/**
 * The sockets whose multishot RECV the kernel ended with {@code ENOBUFS} (every provided buffer
 * was out), waiting to be armed again, oldest first.
 *
 * <p>Arming them all at the next turn would only repeat the failure: the buffers the last turn
 * recycled are as many as the ring holds, so when more connections than that wait, the rest fail
 * with {@code ENOBUFS} again, each costing a submission and a completion, turn after turn (with 8
 * buffers and 256 connections: about 20 failed RECVs per echo). So each turn {@link #release}s at
 * most as many as the ring has buffers, and the turn does not wait while some are still queued,
 * so every one is armed within a few turns.
 *
 * <p>Loop thread only; nothing is allocated per completion (the queue grows by doubling).
 */
final class StarvedReceives {

  private IoUringSocket[] queue = new IoUringSocket[16];
  private int head;
  private int count;

  /** How many RECVs ended with {@code ENOBUFS} so far, for tests and reports. */
  private long starved;

  /** {@code socket}'s RECV ended for want of buffers: arm it again when a turn releases it. */
  void add(IoUringSocket socket) {
    starved++;
    if (socket.starvedQueued) {
      return;
    }
    socket.starvedQueued = true;
    if (count == queue.length) {
      IoUringSocket[] bigger = new IoUringSocket[queue.length * 2];
      for (int i = 0; i < count; i++) {
        bigger[i] = queue[(head + i) & (queue.length - 1)];
      }
      queue = bigger;
      head = 0;
    }
    queue[(head + count) & (queue.length - 1)] = socket;
    count++;
  }

  /**
   * Schedules the oldest waiting sockets that are still open, at most {@code budget} of them, for
   * this turn's submission phase.
   *
   * @return how many were scheduled
   */
  int release(IoUringBackend backend, int budget) {
    int released = 0;
    while (count > 0 && released < budget) {
      IoUringSocket socket = queue[head];
      queue[head] = null;
      head = (head + 1) & (queue.length - 1);
      count--;
      socket.starvedQueued = false;
      if (socket.slot >= 0) {
        backend.schedule(socket); // its Receiver arms again if it is still reading
        released++;
      }
    }
    return released;
  }

  /** Whether sockets still wait for a later turn. */
  boolean isEmpty() {
    return count == 0;
  }

  /** How many RECVs ended with {@code ENOBUFS} so far. */
  long starved() {
    return starved;
  }

  /** Forgets every waiting socket (the backend is closing). */
  void clear() {
    Arrays.fill(queue, null);
    head = 0;
    count = 0;
  }
}
