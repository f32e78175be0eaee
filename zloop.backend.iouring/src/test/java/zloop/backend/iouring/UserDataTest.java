package zloop.backend.iouring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UserDataTest {

  @Test
  void packsAndUnpacksEveryField() {
    long ud = UserData.encode(0xdeadbeef, UserData.SEND, UserData.MAX_SLOT);
    assertEquals(0xdeadbeef, UserData.generation(ud));
    assertEquals(UserData.SEND, UserData.kind(ud));
    assertEquals(UserData.MAX_SLOT, UserData.slot(ud));
    assertEquals("SEND gen 3735928559 slot 16777215", UserData.describe(ud));
  }

  @Test
  void reservedIdsAreNotSlotOperations() {
    assertEquals(UserData.WAKEUP, UserData.kind(UserData.WAKEUP_ID));
    assertFalse(UserData.isSlotKind(UserData.WAKEUP));
    assertFalse(UserData.isSlotKind(UserData.CANCEL));
    assertFalse(UserData.isSlotKind(0), "a zeroed user_data is nobody's");
    for (int kind = UserData.RECV; kind <= UserData.WATCH; kind++) {
      assertTrue(UserData.isSlotKind(kind));
      assertTrue(UserData.family(kind) >= 0 && UserData.family(kind) < UserData.SLOT_KINDS);
    }
  }
}
