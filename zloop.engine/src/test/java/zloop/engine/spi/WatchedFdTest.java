package zloop.engine.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fd-watch rules every readiness backend shares. */
class WatchedFdTest {

  private final List<String> reports = new ArrayList<>();
  private final Backend.FdHandler handler = (fd, bits) -> reports.add(fd + ":" + bits);

  @Test
  void pollBitsBecomeReadyBitsAndErrorsOrHangUpsWakeBothSides() {
    int both = Backend.READABLE | Backend.WRITABLE;
    assertEquals(0, WatchedFd.readyBits(0));
    assertEquals(Backend.READABLE, WatchedFd.readyBits(WatchedFd.POLLIN));
    assertEquals(Backend.WRITABLE, WatchedFd.readyBits(WatchedFd.POLLOUT));
    assertEquals(both, WatchedFd.readyBits(WatchedFd.POLLIN | WatchedFd.POLLOUT));
    assertEquals(both, WatchedFd.readyBits(WatchedFd.POLLERR));
    assertEquals(both, WatchedFd.readyBits(WatchedFd.POLLHUP));
    assertEquals(both, WatchedFd.readyBits(WatchedFd.POLLIN | WatchedFd.POLLHUP));
  }

  @Test
  void theInterestBecomesPollEvents() {
    WatchedFd w = new WatchedFd(7);
    assertEquals(0, w.pollEvents());
    w.set(Backend.READABLE, handler);
    assertEquals(WatchedFd.POLLIN, w.pollEvents());
    w.set(Backend.WRITABLE, handler);
    assertEquals(WatchedFd.POLLOUT, w.pollEvents());
    w.set(Backend.READABLE | Backend.WRITABLE, handler);
    assertEquals(WatchedFd.POLLIN | WatchedFd.POLLOUT, w.pollEvents());
  }

  @Test
  void onlyTheWatchedSidesAreReportedAndNothingAfterClear() {
    WatchedFd w = new WatchedFd(7);
    w.set(Backend.READABLE, handler);
    w.reportPoll(WatchedFd.POLLOUT); // a side not watched: nobody to tell
    w.reportPoll(WatchedFd.POLLHUP); // wakes both sides, of which the reader is watched
    w.reportPoll(WatchedFd.POLLIN | WatchedFd.POLLOUT);
    assertEquals(List.of("7:1", "7:1"), reports);
    w.clear();
    w.reportPoll(WatchedFd.POLLIN | WatchedFd.POLLERR); // a report that raced the removal
    assertEquals(2, reports.size());
    assertEquals("FdWatch[fd=7]", w.toString());
    w.set(Backend.READABLE | Backend.WRITABLE, handler);
    assertEquals("FdWatch[fd=7, reader, writer]", w.toString());
  }

  @Test
  void badArgumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> WatchedFd.check(-1, 1, handler));
    assertThrows(IllegalArgumentException.class, () -> WatchedFd.check(3, 4, handler));
    assertThrows(NullPointerException.class, () -> WatchedFd.check(3, Backend.READABLE, null));
    WatchedFd.check(3, 0, null); // stopping needs no handler
    assertThrows(IllegalArgumentException.class, () -> new WatchedFd(-1));
  }
}
