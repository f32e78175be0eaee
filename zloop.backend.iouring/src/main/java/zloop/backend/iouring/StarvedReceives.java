package zloop.backend.iouring;

import java.util.ArrayDeque;

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
 * <p>Loop thread only; nothing is allocated per completion (the deque keeps its array, which grows
 * only when more sockets wait than ever before).
 */
final class StarvedReceives {

  private final ArrayDeque<IoUringSocket> queue = new ArrayDeque<>();

  /** How many RECVs ended with {@code ENOBUFS} so far, for tests and reports. */
  private long starved;

  /** {@code socket}'s RECV ended for want of buffers: arm it again when a turn releases it. */
  void add(IoUringSocket socket) {
    starved++;
    if (!socket.starvedQueued) {
      socket.starvedQueued = true;
      queue.addLast(socket);
    }
  }

  /**
   * Schedules the oldest waiting sockets that are still open, at most {@code budget} of them, for
   * this turn's submission phase.
   */
  void release(IoUringBackend backend, int budget) {
    int released = 0;
    IoUringSocket socket;
    while (released < budget && (socket = queue.pollFirst()) != null) {
      socket.starvedQueued = false;
      if (socket.slot >= 0) {
        backend.schedule(socket); // its Receiver arms again if it is still reading
        released++;
      }
    }
  }

  /** Whether sockets still wait for a later turn. */
  boolean isEmpty() {
    return queue.isEmpty();
  }

  /** How many RECVs ended with {@code ENOBUFS} so far. */
  long starved() {
    return starved;
  }

  /** Forgets every waiting socket (the backend is closing). */
  void clear() {
    queue.clear();
  }
}
