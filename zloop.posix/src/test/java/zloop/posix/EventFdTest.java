package zloop.posix;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class EventFdTest {

  @Test
  void signalsAddUpAndDrainResets() throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      ErrnoCapture errno = new ErrnoCapture(arena);
      MemorySegment counter = arena.allocate(JAVA_LONG);
      EventFd eventFd = EventFd.open(arena, errno);
      try {
        eventFd.drain(); // nothing to drain: EAGAIN is not an error
        eventFd.signal();
        eventFd.signal();
        assertEquals(8, Libc.read(eventFd.fd(), counter, 8, errno));
        assertEquals(2, counter.get(JAVA_LONG, 0));
        eventFd.signal();
        eventFd.drain();
        assertEquals(-Errno.EAGAIN, Libc.read(eventFd.fd(), counter, 8, errno));
      } finally {
        eventFd.close();
      }
    }
  }

  @Test
  void signalAfterCloseNeverReachesTheDescriptorsNextOwner() throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      ErrnoCapture errno = new ErrnoCapture(arena);
      EventFd closed = EventFd.open(arena, errno);
      closed.close();
      closed.close();
      EventFd next = EventFd.open(arena, errno);
      try {
        assumeTrue(next.fd() == closed.fd(), "the kernel did not reuse the descriptor number");
        closed.signal();
        assertEquals(-Errno.EAGAIN, Libc.read(next.fd(), arena.allocate(JAVA_LONG), 8, errno));
      } finally {
        next.close();
      }
    }
  }

  @Test
  void signalsRacingCloseFinishBeforeTheDescriptorIsClosed() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      ErrnoCapture errno = new ErrnoCapture(arena);
      EventFd eventFd = EventFd.open(arena, errno);
      int signallers = 4;
      CountDownLatch running = new CountDownLatch(signallers);
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < signallers; i++) {
        threads.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      eventFd.signal();
                      running.countDown();
                      while (!stop.get()) {
                        eventFd.signal();
                      }
                    }));
      }
      running.await();
      eventFd.close(); // waits for the signals inside write(2); later ones write nothing
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
    }
  }
}
