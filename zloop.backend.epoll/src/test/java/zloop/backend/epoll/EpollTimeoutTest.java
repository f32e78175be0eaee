package zloop.backend.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Nanosecond budgets become epoll_wait milliseconds without ever waking early. */
class EpollTimeoutTest {

  @Test
  void zeroStaysZeroAndNegativeWaitsForever() {
    assertEquals(0, Epoll.timeoutMillis(0));
    assertEquals(-1, Epoll.timeoutMillis(-1));
    assertEquals(-1, Epoll.timeoutMillis(Long.MIN_VALUE));
  }

  @Test
  void partialMillisecondsRoundUp() {
    assertEquals(1, Epoll.timeoutMillis(1));
    assertEquals(1, Epoll.timeoutMillis(999_999));
    assertEquals(1, Epoll.timeoutMillis(1_000_000));
    assertEquals(2, Epoll.timeoutMillis(1_000_001));
    assertEquals(50, Epoll.timeoutMillis(50_000_000));
  }

  @Test
  void hugeBudgetsClampToIntMax() {
    assertEquals(Integer.MAX_VALUE, Epoll.timeoutMillis(Long.MAX_VALUE));
    assertEquals(Integer.MAX_VALUE, Epoll.timeoutMillis(Integer.MAX_VALUE * 1_000_000L + 1));
  }
}
