package zloop.backend.iouring;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The backend's table of {@link RingUser}s, indexed by the slot that {@link UserData} carries,
 * with one generation counter per slot and operation kind.
 *
 * <p>Releasing a slot moves all its counters on, so every completion still in flight for the old
 * user is recognised as stale even after the slot (and the fd number) is handed to a new user.
 * {@link #renew} moves one kind's counter on, for an operation abandoned on purpose; the other
 * kinds of the same slot stay current. Freed slots are reused last-in, first-out.
 *
 * <p>Loop thread only.
 */
final class Slots {

  private static final int KINDS = UserData.SLOT_KINDS;

  private RingUser[] users = new RingUser[64];
  private int[] generations = new int[64 * KINDS];
  private int[] free = new int[64];
  private int freeCount;

  /** Slots handed out so far: every slot below is in use or in {@link #free}. */
  private int used;

  /** Gives {@code user} a slot. */
  void acquire(RingUser user) {
    int slot;
    if (freeCount > 0) {
      slot = free[--freeCount];
    } else {
      if (used > UserData.MAX_SLOT) {
        throw new IllegalStateException("more than " + UserData.MAX_SLOT + " sockets on one loop");
      }
      slot = used++;
      if (slot == users.length) {
        users = Arrays.copyOf(users, slot * 2);
        generations = Arrays.copyOf(generations, slot * 2 * KINDS);
      }
    }
    users[slot] = user;
    user.slot = slot;
  }

  /** Takes {@code user}'s slot back; its in-flight completions become stale. */
  void release(RingUser user) {
    int slot = user.slot;
    if (slot < 0 || users[slot] != user) {
      return;
    }
    for (int k = 0; k < KINDS; k++) {
      generations[slot * KINDS + k]++;
    }
    users[slot] = null;
    user.slot = -1;
    if (freeCount == free.length) {
      free = Arrays.copyOf(free, freeCount * 2);
    }
    free[freeCount++] = slot;
  }

  /** Makes in-flight completions of {@code kind} on {@code slot} stale; other kinds stay current. */
  void renew(int slot, int kind) {
    generations[slot * KINDS + UserData.family(kind)]++;
  }

  /** The {@code user_data} for an operation of {@code kind} that {@code slot}'s user submits now. */
  long userData(int slot, int kind) {
    return UserData.encode(generations[slot * KINDS + UserData.family(kind)], kind, slot);
  }

  /** Whether {@code slot} was ever handed out (a completion naming another slot is garbage). */
  boolean known(int slot) {
    return slot < used;
  }

  /**
   * The user a completion is for, or {@code null} if it is stale: the slot is free or its
   * generation for that kind moved on. {@code userData} must be of a slot kind and a {@link
   * #known} slot.
   */
  RingUser live(long userData) {
    int slot = UserData.slot(userData);
    RingUser user = users[slot];
    int kind = UserData.kind(userData);
    if (user == null
        || generations[slot * KINDS + UserData.family(kind)] != UserData.generation(userData)) {
      return null;
    }
    return user;
  }

  /** Calls {@code action} for every user holding a slot (it may release slots meanwhile). */
  void forEachUser(Consumer<RingUser> action) {
    for (int slot = 0; slot < used; slot++) {
      RingUser user = users[slot];
      if (user != null) {
        action.accept(user);
      }
    }
  }
}
