package zloop.backend.iouring;

import java.util.HashMap;
import java.util.Map;
import zloop.posix.SocketCalls;

/**
 * What the kernel still holds for operations whose owner is gone (a closed socket, an abandoned
 * operation), until their last completion says the kernel let go:
 *
 * <ul>
 *   <li>a provided buffer a stale completion carries goes back to the ring;
 *   <li>a descriptor a stale ACCEPT completion carries was accepted for a listener that is gone:
 *       it is closed with a reset ({@code SO_LINGER} 0), as the kernel resets connections still in
 *       a closed listener's backlog, so its client never hangs and the process keeps no socket;
 *   <li>a protocol's direct buffer a RECV was armed into, and the buffers a SEND in flight reads,
 *       stay referenced here ({@link #pin}) until that operation's final completion, so the memory
 *       the kernel may use is never freed under it.
 * </ul>
 *
 * <p>Loop thread only. Only closes allocate (pinning a buffer), never a completion.
 */
final class Orphans {

  private final BufferRing buffers;
  private final SocketCalls calls;
  private final Map<Long, Object> pinned = new HashMap<>();

  Orphans(BufferRing buffers, SocketCalls calls) {
    this.buffers = buffers;
    this.calls = calls;
  }

  /**
   * Keeps {@code target} (a buffer, or an array of them) alive until the final completion of the
   * operation {@code userData}.
   */
  void pin(long userData, Object target) {
    pinned.put(userData, target);
  }

  /** How many buffers wait for their final completion. */
  int pinnedCount() {
    return pinned.size();
  }

  /** Forgets every pinned buffer: the ring is gone and nothing is in flight any more. */
  void releaseAll() {
    pinned.clear();
  }

  /** A completion nobody owns any more (stale or unknown): releases what it carries. */
  void drop(long userData, int res, int flags) {
    recycle(res, flags);
    if (UserData.kind(userData) == UserData.ACCEPT && res >= 0) {
      refuse(res);
    }
    if (!pinned.isEmpty() && !Cqe.more(flags)) {
      pinned.remove(userData);
    }
  }

  /** Gives the provided buffers a completion carries, if any, back to the ring. */
  void recycle(int res, int flags) {
    int bid = Cqe.bufferId(flags);
    if (buffers.owns(bid)) {
      buffers.recycleCompleted(bid, res);
    }
  }

  /** Closes an accepted connection nobody will serve, with a reset. */
  void refuse(int fd) {
    calls.refuse(fd);
  }

}
