package zloop.backend.iouring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Generations: what makes a completion stale, and what must not. */
class SlotsTest {

  private static final class User extends RingUser {
    @Override
    int submit() {
      return 0;
    }

    @Override
    void complete(int kind, int res, int flags) {}

    @Override
    void closeWithBackend() {}
  }

  private final Slots slots = new Slots();

  @Test
  void aReleasedSlotIsReusedAndItsOldCompletionsAreStale() {
    User a = new User();
    slots.acquire(a);
    long recv = slots.userData(a.slot, UserData.RECV);
    long send = slots.userData(a.slot, UserData.SEND);
    assertSame(a, slots.live(recv));
    slots.release(a);
    assertEquals(-1, a.slot);
    assertNull(slots.live(recv), "the slot is free");

    User b = new User();
    slots.acquire(b);
    assertEquals(UserData.slot(recv), b.slot, "last in, first out");
    assertNull(slots.live(recv), "A's RECV is not B's");
    assertNull(slots.live(send), "nor A's SEND");
    assertSame(b, slots.live(slots.userData(b.slot, UserData.RECV)));
  }

  @Test
  void renewingOneKindLeavesTheOthersCurrent() {
    User a = new User();
    slots.acquire(a);
    long recv = slots.userData(a.slot, UserData.RECV);
    long watch = slots.userData(a.slot, UserData.WATCH);
    slots.renew(a.slot, UserData.WATCH);
    assertNull(slots.live(watch));
    assertNotEquals(watch, slots.userData(a.slot, UserData.WATCH));
    assertSame(a, slots.live(recv), "arming or abandoning a poll never makes a RECV stale");
  }

  @Test
  void growsPastItsFirstArrays() {
    User[] users = new User[1000];
    for (int i = 0; i < users.length; i++) {
      users[i] = new User();
      slots.acquire(users[i]);
    }
    for (User u : users) {
      assertSame(u, slots.live(slots.userData(u.slot, UserData.SEND)));
    }
  }
}
