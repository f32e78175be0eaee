package zloop.backend.iouring;

import zloop.posix.GenerationTable;

/**
 * The whole {@code user_data} codec: every submission is tagged {@code [generation:32 | kind:8 |
 * slot:24]}, and its completions come back with the same 64 bits.
 *
 * <ul>
 *   <li>{@code slot} names the socket or watched descriptor in the backend's {@link
 *       GenerationTable} (never the fd: the kernel reuses fd numbers at once, zloop reuses slots
 *       only with a new generation);
 *   <li>{@code kind} says which operation, and so which generation counter, the completion
 *       belongs to;
 *   <li>{@code generation} is that slot's counter for that kind when the operation was submitted.
 *       A completion whose generation is no longer current is stale: its slot was released (the
 *       socket closed, maybe reused) or that operation was abandoned on purpose. One counter per
 *       kind, so abandoning or arming one kind never makes another look stale.
 * </ul>
 *
 * Reserved: kind 0 is never used (a zeroed {@code user_data} is a bug, reported as unknown);
 * {@link #WAKEUP_ID} is the wake-up eventfd's poll; {@link #CANCEL} completions carry no news and
 * are dropped.
 */
final class UserData {

  /** The wake-up eventfd's multishot poll; one per backend, no slot. */
  static final int WAKEUP = 1;

  /** An ASYNC_CANCEL; its slot field names the target's slot, for debugging only. */
  static final int CANCEL = 2;

  // Operations on a slot: each has its own generation counter.
  static final int RECV = 3;
  static final int SEND = 4;
  static final int CONNECT = 5;
  static final int ACCEPT = 6;
  static final int POLL_OUT = 7;
  static final int WATCH = 8;

  /** How many kinds carry a slot generation: {@link #RECV} to {@link #WATCH}. */
  static final int SLOT_KINDS = WATCH - RECV + 1;

  /** The largest slot number the codec can carry. */
  static final int MAX_SLOT = (1 << 24) - 1;

  static final long WAKEUP_ID = encode(0, WAKEUP, 0);

  private UserData() {}

  /** A table of ring users whose slots this codec can carry, with a counter per slot kind. */
  static GenerationTable<RingUser> newTable() {
    return new GenerationTable<>(64, SLOT_KINDS, MAX_SLOT + 1);
  }

  /** The {@code user_data} for an operation of {@code kind} that {@code slot}'s user submits now. */
  static long current(GenerationTable<RingUser> slots, int slot, int kind) {
    return encode(slots.generation(slot, family(kind)), kind, slot);
  }

  /**
   * The user a completion is for, or {@code null} if it is stale: the slot is free or its
   * generation for that kind moved on. {@code userData} must be of a slot kind.
   */
  static RingUser owner(GenerationTable<RingUser> slots, long userData) {
    return slots.get(slot(userData), family(kind(userData)), generation(userData));
  }

  /** Makes in-flight completions of {@code kind} on {@code slot} stale; other kinds stay current. */
  static void renew(GenerationTable<RingUser> slots, int slot, int kind) {
    slots.renew(slot, family(kind));
  }

  static long encode(int generation, int kind, int slot) {
    return ((long) generation << 32) | ((long) kind << 24) | slot;
  }

  static int generation(long userData) {
    return (int) (userData >>> 32);
  }

  static int kind(long userData) {
    return (int) (userData >>> 24) & 0xff;
  }

  static int slot(long userData) {
    return (int) userData & MAX_SLOT;
  }

  /** Whether {@code kind} is an operation on a slot (and has a generation counter). */
  static boolean isSlotKind(int kind) {
    return kind >= RECV && kind <= WATCH;
  }

  /** The index of {@code kind}'s counter among a slot's {@link #SLOT_KINDS}. */
  static int family(int kind) {
    return kind - RECV;
  }

  /** For messages: {@code "RECV gen 3 slot 17"}. */
  static String describe(long userData) {
    int kind = kind(userData);
    String name =
        switch (kind) {
          case WAKEUP -> "WAKEUP";
          case CANCEL -> "CANCEL";
          case RECV -> "RECV";
          case SEND -> "SEND";
          case CONNECT -> "CONNECT";
          case ACCEPT -> "ACCEPT";
          case POLL_OUT -> "POLL_OUT";
          case WATCH -> "WATCH";
          default -> "kind " + kind;
        };
    return name + " gen " + Integer.toUnsignedString(generation(userData)) + " slot " + slot(userData);
  }
}
