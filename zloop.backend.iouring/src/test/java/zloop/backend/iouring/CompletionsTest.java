package zloop.backend.iouring;

import zloop.posix.EventFd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import zloop.posix.ErrnoCapture;
import zloop.posix.GenerationTable;
import zloop.posix.SocketCalls;
import zloop.test.support.RecordingContext;

/** Routing by user_data, with completions made up rather than posted by a kernel. */
class CompletionsTest {

  private static final int F_MORE = IoUring.IORING_CQE_F_MORE;

  private final RecordingContext context = new RecordingContext();
  private Arena arena;
  private BufferRing buffers;
  private WakeupPoll wakeup;
  private final GenerationTable<RingUser> slots = UserData.newTable();
  private Completions completions;

  private static final class User extends RingUser {
    final List<String> seen = new ArrayList<>();

    @Override
    int submit() {
      return 0;
    }

    @Override
    void complete(int kind, int res, int flags) {
      seen.add(UserData.describe(UserData.encode(0, kind, slot)) + " res " + res);
    }

    @Override
    void closeWithBackend() {}
  }

  @BeforeEach
  void open() throws IOException {
    arena = Arena.ofConfined();
    ErrnoCapture errno = new ErrnoCapture(arena);
    buffers = BufferRing.create(4, 4096, errno);
    wakeup = new WakeupPoll(EventFd.open(arena, errno));
    completions = new Completions(slots, new Orphans(buffers, new SocketCalls(arena, errno)), wakeup, context);
  }

  @AfterEach
  void close() throws IOException {
    wakeup.close();
    buffers.close();
    arena.close();
  }

  private static int withBuffer(int bid) {
    return IoUring.IORING_CQE_F_BUFFER | (bid << IoUring.IORING_CQE_BUFFER_SHIFT);
  }

  @Test
  void aLiveCompletionReachesItsUser() {
    User u = new User();
    u.slot = slots.add(u);
    assertEquals(1, completions.dispatch(UserData.current(slots, u.slot, UserData.SEND), 42, 0));
    assertEquals(List.of("SEND gen 0 slot 0 res 42"), u.seen);
  }

  @Test
  void aStaleCompletionIsDroppedAndItsBufferRecycled() {
    User a = new User();
    a.slot = slots.add(a);
    long old = UserData.current(slots, a.slot, UserData.RECV);
    slots.remove(a.slot);
    User b = new User();
    b.slot = slots.add(b);
    long recycled = buffers.recycled();
    assertEquals(0, completions.dispatch(old, 100, withBuffer(2) | F_MORE));
    assertEquals(List.of(), a.seen);
    assertEquals(List.of(), b.seen);
    assertEquals(recycled + 1, buffers.recycled());
    assertEquals(List.of(), context.errors, "stale is normal, not an error");
  }

  @Test
  void anUnknownCompletionIsReportedAndDropped() {
    long recycled = buffers.recycled();
    assertEquals(0, completions.dispatch(0L, 5, withBuffer(1)));
    assertEquals(0, completions.dispatch(UserData.encode(0, UserData.RECV, 77), 5, 0));
    assertEquals(0, completions.dispatch(UserData.encode(0, 200, 0), 5, 0));
    assertEquals(3, context.errors.size(), context.errors::toString);
    assertTrue(context.errors.getFirst().contains("user_data 0x0"), context.errors::toString);
    assertEquals(recycled + 1, buffers.recycled());
  }

  @Test
  void cancelResultsAreDroppedQuietly() {
    assertEquals(0, completions.dispatch(UserData.encode(0, UserData.CANCEL, 3), -2, 0));
    assertEquals(List.of(), context.errors);
  }

  @Test
  void aThrowingHandlerIsReportedAndTheLoopGoesOn() {
    RingUser thrower =
        new RingUser() {
          @Override
          int submit() {
            return 0;
          }

          @Override
          void complete(int kind, int res, int flags) {
            throw new IllegalStateException("boom");
          }

          @Override
          void closeWithBackend() {}
        };
    thrower.slot = slots.add(thrower);
    assertEquals(1, completions.dispatch(UserData.current(slots, thrower.slot, UserData.RECV), 1, 0));
    assertEquals(1, context.errors.size());
    assertTrue(context.errors.getFirst().contains("boom"));
  }
}
