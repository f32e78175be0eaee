package zloop.backend.iouring;

import java.util.Arrays;
import zloop.engine.spi.IoCallback;
import zloop.engine.spi.LoopContext;
import zloop.posix.GenerationTable;

/**
 * What the next submission phase has to write: the {@link RingUser}s that asked since the last
 * turn (in order, each once), the operations closes want cancelled, and the senders whose queue the
 * engine may have dropped under a send in flight.
 *
 * <p>A turn submits a snapshot: users scheduled by handlers called during the phase (held data
 * being delivered) wait for the next turn, which then must not block ({@link #isEmpty()}).
 *
 * <p>Loop thread only.
 */
final class Submissions {

  private final GenerationTable<RingUser> slots;

  private RingUser[] scheduled = new RingUser[64];
  private int scheduledCount;

  private long[] cancels = new long[16];
  private int cancelCount;

  private Sender[] sending = new Sender[16];
  private int sendingCount;

  private boolean closed;

  Submissions(GenerationTable<RingUser> slots) {
    this.slots = slots;
  }

  /** Has {@code user} {@linkplain RingUser#submit submit} in the next phase. */
  void schedule(RingUser user) {
    if (user.queued || closed) {
      return;
    }
    user.queued = true;
    if (scheduledCount == scheduled.length) {
      scheduled = Arrays.copyOf(scheduled, scheduledCount * 2);
    }
    scheduled[scheduledCount++] = user;
  }

  /** Cancels the operation of {@code kind} that {@code slot} has in flight. */
  void cancel(int slot, int kind) {
    if (cancelCount == cancels.length) {
      cancels = Arrays.copyOf(cancels, cancelCount * 2);
    }
    cancels[cancelCount++] = UserData.current(slots, slot, kind);
  }

  /** Checks {@code sender}, which has a send in flight, every turn until it completes. */
  void sending(Sender sender) {
    if (!sender.listed) {
      sender.listed = true;
      if (sendingCount == sending.length) {
        sending = Arrays.copyOf(sending, sendingCount * 2);
      }
      sending[sendingCount++] = sender;
    }
  }

  /** Whether the next submission phase has anything to write: users, cancels or senders. */
  boolean hasWork() {
    return scheduledCount != 0 || cancelCount != 0 || sendingCount != 0;
  }

  /** Whether no user waits to submit. */
  boolean isEmpty() {
    return scheduledCount == 0;
  }

  /**
   * The submission phase: writes everything asked for into {@code submitter}. Each user submits
   * through {@code context}'s guard ({@link LoopContext#dispatch}), since a receiver may deliver
   * held data to the engine from here.
   *
   * @return how many handler calls delivering held data made
   */
  int submit(Submitter submitter, LoopContext context) {
    checkSends();
    submitCancels(submitter);
    int n = scheduledCount;
    int calls = 0;
    for (int i = 0; i < n; i++) {
      RingUser user = scheduled[i];
      scheduled[i] = null;
      user.queued = false;
      if (user.slot >= 0) {
        calls += context.dispatch(SUBMIT, user, 0, 0, 0);
      }
    }
    System.arraycopy(scheduled, n, scheduled, 0, scheduledCount - n);
    Arrays.fill(scheduled, scheduledCount - n, scheduledCount, null);
    scheduledCount -= n;
    submitCancels(submitter); // closes made by those handlers
    return calls;
  }

  /** Cancels sends whose queue the engine dropped; forgets senders that are done. */
  private void checkSends() {
    int kept = 0;
    for (int i = 0; i < sendingCount; i++) {
      Sender s = sending[i];
      sending[i] = null;
      if (s.checkDropped()) {
        sending[kept++] = s;
      } else {
        s.listed = false;
      }
    }
    sendingCount = kept;
  }

  /** Writes the queued cancels (also outside the submission phase, to send them at once). */
  void submitCancels(Submitter submitter) {
    for (int i = 0; i < cancelCount; i++) {
      long target = cancels[i];
      long userData = UserData.encode(0, UserData.CANCEL, UserData.slot(target));
      Sqe.cancel(submitter.sqes(), submitter.sqe(), target, userData);
    }
    cancelCount = 0;
  }

  /** Static and non-capturing: the guard allocates nothing per user. */
  private static final IoCallback<RingUser> SUBMIT = (user, unused, unused2, unused3) -> user.submit();

  /** The backend is closing: nothing is scheduled any more. */
  void close() {
    closed = true;
  }
}
