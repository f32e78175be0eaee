package zloop.posix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A native backend's registrations, each in a numbered slot, with generation counters that make
 * kernel reports for a released slot recognisable as stale.
 *
 * <p>Why: the kernel hands back events or completions in batches, tagged with whatever the backend
 * put in their 64-bit user word. Dispatching one of them may close a socket and open another that
 * takes the freed slot (and the same descriptor number). A report still in the batch for the old
 * owner names the slot with an old generation, which {@link #remove} moved on: {@link #get} returns
 * {@code null} and the report is dropped instead of reaching the wrong owner. Each backend encodes
 * slot and generation into its own user word (epoll's {@code data}, io_uring's {@code user_data});
 * only the table is shared.
 *
 * <p>Kinds: a slot has {@code kinds} generation counters, one per kind of operation an owner may
 * have in flight at once (io_uring: receive, send, poll...; epoll needs one). {@link #remove} moves
 * them all on; {@link #renew} moves one on, for an operation abandoned on purpose, and leaves the
 * other kinds current.
 *
 * <p>Free slots are reused last-freed-first, which keeps the table dense and reuse deterministic
 * (the backends' stale-report tests rely on it). Lookups are an array index and an int compare;
 * nothing is allocated except when the table grows.
 *
 * <p><b>Caveat:</b> a generation wraps after 2^32 renewals of one slot and kind; a report would
 * have to stay in flight that long to be misdelivered. Loop thread only.
 *
 * @param <T> the owner type (a backend's registration or ring user)
 */
public final class GenerationTable<T> {

  private final int kinds;
  private final int maxSlots;
  private Object[] owners;
  private int[] generations; // slot * kinds + kind
  private int[] free; // a stack of free slot numbers
  private int freeCount;
  private int used; // slots ever handed out: 0..used-1
  private int live;

  /**
   * @param initialCapacity slots before the first growth (at least 1)
   * @param kinds generation counters per slot (at least 1)
   * @param maxSlots the most slots the backend's user word can name
   */
  public GenerationTable(int initialCapacity, int kinds, int maxSlots) {
    if (initialCapacity < 1 || kinds < 1 || maxSlots < 1) {
      throw new IllegalArgumentException(
          "capacity " + initialCapacity + ", kinds " + kinds + ", max slots " + maxSlots);
    }
    int capacity = Math.min(initialCapacity, maxSlots);
    this.kinds = kinds;
    this.maxSlots = maxSlots;
    this.owners = new Object[capacity];
    this.generations = new int[Math.multiplyExact(capacity, kinds)];
    this.free = new int[capacity];
  }

  /**
   * Puts {@code owner} in a free slot and returns the slot's number.
   *
   * @throws IllegalStateException if all {@code maxSlots} slots are taken
   */
  public int add(T owner) {
    if (owner == null) {
      throw new NullPointerException("owner");
    }
    int slot;
    if (freeCount > 0) {
      slot = free[--freeCount];
    } else {
      if (used == owners.length) {
        grow();
      }
      slot = used++;
    }
    owners[slot] = owner;
    live++;
    return slot;
  }

  private void grow() {
    if (owners.length >= maxSlots) {
      throw new IllegalStateException("more than " + maxSlots + " registrations on one loop");
    }
    int capacity = (int) Math.min(2L * owners.length, maxSlots);
    owners = Arrays.copyOf(owners, capacity);
    generations = Arrays.copyOf(generations, Math.multiplyExact(capacity, kinds));
    free = Arrays.copyOf(free, capacity);
  }

  /**
   * Frees {@code slot}: every kind's generation moves on, so whatever names the slot now is stale.
   *
   * @throws IllegalStateException if the slot is free already
   */
  public void remove(int slot) {
    if (owners[slot] == null) {
      throw new IllegalStateException("slot " + slot + " is already free");
    }
    owners[slot] = null;
    int base = slot * kinds;
    for (int k = 0; k < kinds; k++) {
      generations[base + k]++;
    }
    free[freeCount++] = slot;
    live--;
  }

  /** Makes what names {@code slot} with {@code kind} stale; the other kinds stay current. */
  public void renew(int slot, int kind) {
    generations[slot * kinds + kind]++;
  }

  /** The current generation of {@code slot} for {@code kind}, to encode in a user word. */
  public int generation(int slot, int kind) {
    return generations[slot * kinds + kind];
  }

  /**
   * Who a report naming {@code slot}, {@code kind} and {@code generation} is for, or {@code null}
   * if it is stale (the slot was freed, maybe reused, or that kind renewed) or names a slot never
   * handed out. {@code kind} must be below the table's {@code kinds}.
   */
  @SuppressWarnings("unchecked") // owners holds only what add() put there
  public T get(int slot, int kind, int generation) {
    if (slot < 0 || slot >= used || generations[slot * kinds + kind] != generation) {
      return null;
    }
    return (T) owners[slot];
  }

  /** The owner of {@code slot}, whatever the generation, or {@code null} if it is free. */
  @SuppressWarnings("unchecked")
  public T owner(int slot) {
    return slot < 0 || slot >= used ? null : (T) owners[slot];
  }

  /** Whether {@code slot} was ever handed out (a report naming another slot is garbage). */
  public boolean known(int slot) {
    return slot >= 0 && slot < used;
  }

  /** How many slots are taken. */
  public int size() {
    return live;
  }

  /** The owners, as a copy (closing them frees their slots meanwhile). */
  @SuppressWarnings("unchecked")
  public List<T> snapshot() {
    List<T> all = new ArrayList<>(live);
    for (int i = 0; i < used; i++) {
      if (owners[i] != null) {
        all.add((T) owners[i]);
      }
    }
    return all;
  }
}
