package zloop.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The one slot + generation table of the native backends: what makes a report stale, and what must
 * not (ported from epoll's SlotTableTest and io_uring's SlotsTest).
 */
class GenerationTableTest {

  private static final int RECV = 0;
  private static final int SEND = 1;
  private static final int WATCH = 2;

  private final GenerationTable<String> single = new GenerationTable<>(2, 1, Integer.MAX_VALUE);
  private final GenerationTable<String> perKind = new GenerationTable<>(2, 3, 1 << 24);

  @Test
  void aReportNamesItsOwnerUntilTheSlotIsFreed() {
    int slot = single.add("a");
    int generation = single.generation(slot, 0);
    assertSame("a", single.get(slot, 0, generation));
    single.remove(slot);
    assertNull(single.get(slot, 0, generation));
    assertNull(single.owner(slot));
    assertEquals(generation + 1, single.generation(slot, 0), "release bumps the generation");
  }

  @Test
  void aFreedSlotIsReusedLastInFirstOutWithANewGeneration() {
    int first = single.add("a");
    int second = single.add("b");
    int oldFirst = single.generation(first, 0);
    single.remove(first);
    single.remove(second);
    assertEquals(second, single.add("c"), "the last freed slot is reused first");
    assertEquals(first, single.add("d"));
    assertNull(single.get(first, 0, oldFirst), "a's report is not d's");
    assertSame("d", single.get(first, 0, single.generation(first, 0)));
  }

  @Test
  void releasingMakesEveryKindStale() {
    int slot = perKind.add("a");
    int recv = perKind.generation(slot, RECV);
    int send = perKind.generation(slot, SEND);
    perKind.remove(slot);
    assertEquals(slot, perKind.add("b"));
    assertNull(perKind.get(slot, RECV, recv), "a's RECV is not b's");
    assertNull(perKind.get(slot, SEND, send), "nor a's SEND");
    assertSame("b", perKind.get(slot, RECV, perKind.generation(slot, RECV)));
  }

  @Test
  void renewingOneKindLeavesTheOthersCurrent() {
    int slot = perKind.add("a");
    int recv = perKind.generation(slot, RECV);
    int watch = perKind.generation(slot, WATCH);
    perKind.renew(slot, WATCH);
    assertNull(perKind.get(slot, WATCH, watch));
    assertNotEquals(watch, perKind.generation(slot, WATCH));
    assertSame("a", perKind.get(slot, WATCH, perKind.generation(slot, WATCH)));
    assertSame("a", perKind.get(slot, RECV, recv), "abandoning a poll never makes a RECV stale");
  }

  @Test
  void growsAndKeepsEveryOwnerAndGeneration() {
    int[] slots = new int[1000];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = perKind.add("u" + i);
      perKind.renew(slots[i], SEND); // generations must survive the copies
    }
    for (int i = 0; i < slots.length; i++) {
      assertSame(perKind.owner(slots[i]), perKind.get(slots[i], SEND, 1));
      assertEquals("u" + i, perKind.get(slots[i], RECV, 0));
    }
    assertEquals(1000, perKind.size());
    List<String> all = perKind.snapshot();
    assertEquals(1000, new HashSet<>(all).size());
  }

  @Test
  void slotsNeverHandedOutOrGenerationsNeverHeldNameNothing() {
    int slot = single.add("a");
    assertNull(single.get(5, 0, 0), "a slot never handed out");
    assertNull(single.get(-1, 0, -1), "a negative slot (epoll's wake-up token)");
    assertNull(single.get(slot, 0, 1), "slot 0 with a generation it never had");
    assertTrue(single.known(slot));
    assertFalse(single.known(5));
    assertFalse(single.known(-1));
  }

  @Test
  void freeingTwiceIsABug() {
    int slot = single.add("a");
    single.remove(slot);
    assertThrows(IllegalStateException.class, () -> single.remove(slot));
  }

  @Test
  void aFullTableRefusesClearly() {
    GenerationTable<String> small = new GenerationTable<>(1, 2, 3);
    Set<Integer> slots = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      slots.add(small.add("x" + i));
    }
    assertEquals(Set.of(0, 1, 2), slots);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> small.add("y"));
    assertTrue(e.getMessage().contains("more than 3"), e.getMessage());
    small.remove(1);
    assertEquals(1, small.add("z"), "a freed slot is still available when full");
  }

  @Test
  void badShapesAndNullOwnersAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new GenerationTable<String>(0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new GenerationTable<String>(1, 0, 1));
    assertThrows(NullPointerException.class, () -> single.add(null));
    assertEquals(0, single.size());
  }
}
