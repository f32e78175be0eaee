package zloop.backend.epoll;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The backend's registrations, each in a numbered slot, and the token that names a slot in an epoll
 * event's {@code data}: {@code [generation:32 | slot:32]}.
 *
 * <p>Why generations: {@code epoll_wait} hands back a batch of events, and dispatching one of them
 * may close another registration and open a new one that takes the freed slot (and, for sockets,
 * the same descriptor number). The older event still in the batch then names the slot with the old
 * generation, which {@link #remove} bumped: {@link #get} returns {@code null} and the event is
 * dropped instead of reaching the wrong connection.
 *
 * <p>Free slots are reused last-freed-first, which keeps the table dense and the reuse above
 * deterministic (the stale-event test relies on it). A token never equals {@link
 * EpollBackend#WAKEUP_TOKEN}: that would need slot {@code 0xFFFFFFFF}, and slots are non-negative
 * {@code int}s.
 *
 * <p><b>Caveats:</b> a generation wraps after 2^32 reuses of one slot; an event would have to
 * survive that many close/open cycles inside one dispatch batch to be misdelivered. Loop thread
 * only.
 */
final class SlotTable {

  private Registration[] owners;
  private int[] generations;
  private int[] free; // a stack of free slot numbers
  private int freeCount;
  private int used; // slots ever handed out: 0..used-1
  private int live;

  SlotTable(int initialCapacity) {
    owners = new Registration[initialCapacity];
    generations = new int[initialCapacity];
    free = new int[initialCapacity];
  }

  /** Puts {@code r} in a free slot and returns the slot's number. */
  int add(Registration r) {
    int slot;
    if (freeCount > 0) {
      slot = free[--freeCount];
    } else {
      if (used == owners.length) {
        int capacity = owners.length * 2;
        owners = Arrays.copyOf(owners, capacity);
        generations = Arrays.copyOf(generations, capacity);
        free = Arrays.copyOf(free, capacity);
      }
      slot = used++;
    }
    owners[slot] = r;
    live++;
    return slot;
  }

  /** The token of {@code slot}'s current occupant, for an epoll event's {@code data}. */
  long token(int slot) {
    return ((long) generations[slot] << 32) | slot;
  }

  /** Who {@code token} names, or {@code null} if the slot was freed (and maybe reused) since. */
  Registration get(long token) {
    int slot = (int) token;
    if (slot < 0 || slot >= used || generations[slot] != (int) (token >>> 32)) {
      return null;
    }
    return owners[slot];
  }

  /** Frees {@code slot}: its tokens go stale at once. */
  void remove(int slot) {
    if (owners[slot] == null) {
      throw new IllegalStateException("slot " + slot + " is already free");
    }
    owners[slot] = null;
    generations[slot]++;
    free[freeCount++] = slot;
    live--;
  }

  /** How many registrations the table holds. */
  int size() {
    return live;
  }

  /** The registrations, as a copy (closing them frees their slots meanwhile). */
  List<Registration> snapshot() {
    List<Registration> all = new ArrayList<>(live);
    for (int i = 0; i < used; i++) {
      if (owners[i] != null) {
        all.add(owners[i]);
      }
    }
    return all;
  }
}
