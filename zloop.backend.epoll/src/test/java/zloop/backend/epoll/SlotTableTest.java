package zloop.backend.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlotTableTest {

  private final SlotTable table = new SlotTable(2);

  @Test
  void tokenNamesItsRegistrationUntilTheSlotIsFreed() {
    Registration a = new Dummy(10);
    int slot = table.add(a);
    long token = table.token(slot);
    assertSame(a, table.get(token));
    table.remove(slot);
    assertNull(table.get(token));
  }

  @Test
  void reusedSlotGetsANewGenerationSoOldTokensStayStale() {
    int slot = table.add(new Dummy(10));
    long old = table.token(slot);
    table.remove(slot);
    Registration b = new Dummy(10);
    assertEquals(slot, table.add(b), "the last freed slot is reused first");
    long fresh = table.token(slot);
    assertNotEquals(old, fresh);
    assertEquals((int) old, (int) fresh, "same slot");
    assertNull(table.get(old));
    assertSame(b, table.get(fresh));
  }

  @Test
  void growsAndKeepsEveryToken() {
    List<Long> tokens = new ArrayList<>();
    List<Registration> regs = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Registration r = new Dummy(i);
      regs.add(r);
      tokens.add(table.token(table.add(r)));
    }
    for (int i = 0; i < 100; i++) {
      assertSame(regs.get(i), table.get(tokens.get(i)));
    }
    assertEquals(100, table.size());
    assertEquals(100, table.snapshot().size());
  }

  @Test
  void wakeUpAndForeignTokensNameNothing() {
    table.add(new Dummy(1));
    assertNull(table.get(EpollBackend.WAKEUP_TOKEN));
    assertNull(table.get(5L)); // a slot never handed out
    assertNull(table.get(1L << 32)); // slot 0 with a generation it never had
  }

  @Test
  void freeingTwiceIsABug() {
    int slot = table.add(new Dummy(1));
    table.remove(slot);
    assertThrows(IllegalStateException.class, () -> table.remove(slot));
  }

  private static final class Dummy extends Registration {
    Dummy(int fd) {
      super(fd);
    }

    @Override
    int interest() {
      return 0;
    }

    @Override
    void onEvents(int events) {}

    @Override
    void closeWithBackend() {}
  }
}
