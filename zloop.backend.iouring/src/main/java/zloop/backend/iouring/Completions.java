package zloop.backend.iouring;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import zloop.engine.spi.IoCallback;
import zloop.engine.spi.LoopContext;
import zloop.posix.GenerationTable;

/**
 * Reads the completion queue and routes each completion by its {@link UserData}: to the wake-up,
 * to the {@link RingUser} whose operation it ends, or nowhere.
 *
 * <ul>
 *   <li>stale (the slot was released, or that kind of operation abandoned): dropped silently;
 *       what it carries goes to {@link Orphans} (a provided buffer back to the ring, an accepted
 *       descriptor closed with a reset, a pinned protocol buffer released);
 *   <li>unknown (no such kind or slot: a bug): reported through {@link LoopContext#reportError}
 *       and dropped, its buffer recycled; never fatal to the loop;
 *   <li>ASYNC_CANCEL results: dropped (the cancelled operation reports on its own).
 * </ul>
 *
 * <p>Loop thread only; nothing is allocated per completion.
 */
final class Completions {

  private final GenerationTable<RingUser> slots;
  private final Orphans orphans;
  private final WakeupPoll wakeup;
  private final LoopContext context;

  Completions(
      GenerationTable<RingUser> slots, Orphans orphans, WakeupPoll wakeup, LoopContext context) {
    this.slots = slots;
    this.orphans = orphans;
    this.wakeup = wakeup;
    this.context = context;
  }

  /**
   * Dispatches up to {@code limit} waiting completions and hands their entries back to the kernel.
   *
   * @return how many reached a handler or the wake-up
   */
  int reap(CompletionQueue cq, int limit) {
    int n = Math.min(cq.ready(), limit);
    MemorySegment cqes = cq.segment();
    int done = 0;
    int events = 0;
    try {
      while (done < n) {
        long at = cq.entry(done);
        long userData = Cqe.userData(cqes, at);
        int res = Cqe.res(cqes, at);
        int flags = Cqe.flags(cqes, at);
        done++; // consumed even if its handler throws: delivering it twice would be worse
        if (!Cqe.more(flags)) {
          cq.finished();
        }
        events += dispatch(userData, res, flags);
      }
    } finally {
      cq.advance(done);
    }
    return events;
  }

  /**
   * The backend is closing: reads every waiting completion without dispatching any (no handler
   * runs after close), counting the operations that ended.
   */
  void discard(CompletionQueue cq) {
    int n = cq.ready();
    MemorySegment cqes = cq.segment();
    for (int i = 0; i < n; i++) {
      if (!Cqe.more(Cqe.flags(cqes, cq.entry(i)))) {
        cq.finished();
      }
    }
    cq.advance(n);
  }

  /** Routes one completion; returns 1 if it reached a handler or the wake-up, else 0. */
  int dispatch(long userData, int res, int flags) {
    int kind = UserData.kind(userData);
    if (userData == UserData.WAKEUP_ID) {
      return wakeUp(res, flags);
    }
    if (kind == UserData.CANCEL) {
      return 0;
    }
    if (!UserData.isSlotKind(kind) || !slots.known(UserData.slot(userData))) {
      unknown(userData, res, flags);
      return 0;
    }
    RingUser user = UserData.owner(slots, userData);
    if (user == null) {
      orphans.drop(userData, res, flags); // stale: its socket is gone, or it was abandoned
      return 0;
    }
    return context.dispatch(COMPLETE, user, kind, res, flags); // the loop's one guard
  }

  /** Static and non-capturing: dispatching allocates nothing. */
  private static final IoCallback<RingUser> COMPLETE =
      (user, kind, res, flags) -> {
        user.complete(kind, res, flags);
        return 1;
      };

  private int wakeUp(int res, int flags) {
    try {
      return wakeup.complete(res, flags) ? 1 : 0;
    } catch (IOException e) {
      context.reportError("the io_uring backend's wake-up failed", e);
      return 0;
    }
  }

  private void unknown(long userData, int res, int flags) {
    orphans.recycle(res, flags);
    context.reportError(
        "io_uring completion for no known operation; dropped",
        new IllegalStateException(
            "user_data 0x"
                + Long.toHexString(userData)
                + " ("
                + UserData.describe(userData)
                + "), res "
                + res
                + ", flags 0x"
                + Integer.toHexString(flags)));
  }
}
