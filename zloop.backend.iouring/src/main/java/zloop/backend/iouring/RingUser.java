package zloop.backend.iouring;

/**
 * Something that owns a slot of the backend's {@link zloop.posix.GenerationTable} (a socket, a watched descriptor): it
 * submits operations tagged with its slot and receives their completions.
 *
 * <p>Thread rules: loop thread only. The backend calls {@link #submit} from {@code poll}, before the
 * one {@code io_uring_enter} of the turn, for every user that {@link IoUringBackend#schedule asked}
 * since the last turn; it calls {@link #complete} from {@code poll} for every completion that is
 * still current (see {@link UserData}).
 */
abstract class RingUser {

  /** The user's slot, or -1 when it holds none (not registered yet, or released). */
  int slot = -1;

  /** Whether the backend's list of users to {@link #submit} holds this one already. */
  boolean queued;

  /**
   * Writes the submission entries for what changed since the last call.
   *
   * @return how many handler calls it made (held data delivered): work for the engine, so the
   *     coming enter must not block
   */
  abstract int submit();

  /** A current completion of an operation of {@code kind} ({@link UserData#RECV} ...). */
  abstract void complete(int kind, int res, int flags);

  /** The backend is closing: release the descriptor, and call no handler ever again. */
  abstract void closeWithBackend();
}
