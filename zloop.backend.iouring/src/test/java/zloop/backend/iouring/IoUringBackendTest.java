package zloop.backend.iouring;

import zloop.posix.EventFd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import zloop.test.support.RecordingContext;

/** The io_uring backend opened straight from its provider, without a loop: waiting and waking. */
@Timeout(value = 30, threadMode = ThreadMode.SEPARATE_THREAD)
class IoUringBackendTest {

  private final RecordingContext context = new RecordingContext();
  private IoUringBackend backend;

  @BeforeEach
  void open() throws IOException {
    backend = (IoUringBackend) new IoUringBackendProvider().open(context);
  }

  @AfterEach
  void close() {
    backend.close();
    assertEquals(List.of(), context.errors);
  }

  @Test
  void pollWithoutWaitingFindsNothing() throws IOException {
    assertEquals(0, backend.poll(0));
    assertEquals(0, backend.poll(0));
  }

  @Test
  void pollWithTimeoutReturns() throws IOException {
    assertEquals(0, backend.poll(20_000_000L)); // an EXT_ARG timespec: -ETIME is no failure
  }

  @Test
  void wakeupFromAnotherThreadEndsAnUnboundedPoll() throws Exception {
    backend.poll(0); // the ring is enabled and the wake-up poll armed
    CountDownLatch polling = new CountDownLatch(1);
    Thread waker =
        Thread.ofPlatform()
            .start(
                () -> {
                  awaitQuietly(polling);
                  backend.wakeup();
                });
    polling.countDown();
    assertEquals(1, backend.poll(-1)); // whether the wake-up came before or during the wait
    waker.join();
    assertEquals(0, backend.poll(0), "the wake-up was drained");
  }

  @Test
  void wakeupBeforeTheFirstPollEndsIt() throws IOException {
    backend.wakeup();
    assertEquals(1, backend.poll(-1));
    assertEquals(0, backend.poll(0));
  }

  @Test
  void wakeupsCoalesceIntoOneEvent() throws IOException {
    backend.poll(0);
    backend.wakeup();
    backend.wakeup();
    backend.wakeup();
    assertEquals(1, backend.poll(-1));
    assertEquals(0, backend.poll(0));
  }

  @Test
  void everyPollEntersTheKernelOnce() throws IOException {
    long before = backend.enterCalls();
    for (int i = 0; i < 10; i++) {
      backend.poll(0);
    }
    backend.wakeup();
    backend.poll(-1);
    backend.poll(1_000_000L);
    assertEquals(12, backend.enterCalls() - before);
  }

  @Test
  void theKernelAcceptedACompletionRingOfTheAskedSize() throws IOException {
    String flags = backend.setupFlags();
    System.out.println("io_uring setup flags accepted here: " + flags);
    assertTrue(flags.contains("CQSIZE"), flags);
    backend.poll(0); // enabled: every rung works from here on
  }

  @Test
  void closeIsIdempotentAndLaterWakeupsDoNothing() {
    backend.close();
    backend.close();
    backend.wakeup();
    assertThrows(IllegalStateException.class, () -> backend.poll(0));
  }

  @Test
  void closeReleasesTheRingAndTheEventFd() throws IOException {
    backend.close();
    backend = (IoUringBackend) new IoUringBackendProvider().open(context); // warmed up
    backend.poll(0);
    backend.close();
    int before = openFds().size();
    long rings = openFds("anon_inode:[io_uring]");
    long eventFds = openFds("anon_inode:[eventfd]");

    backend = (IoUringBackend) new IoUringBackendProvider().open(context);
    backend.poll(0);
    assertEquals(rings + 1, openFds("anon_inode:[io_uring]"));
    assertEquals(eventFds + 1, openFds("anon_inode:[eventfd]"));
    backend.close();

    assertEquals(rings, openFds("anon_inode:[io_uring]"));
    assertEquals(eventFds, openFds("anon_inode:[eventfd]"));
    assertEquals(before, openFds().size());
  }

  static List<Path> openFds() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.toList();
    }
  }

  static long openFds(String target) throws IOException {
    return openFds().stream().filter(fd -> target.equals(linkTarget(fd))).count();
  }

  private static String linkTarget(Path fd) {
    try {
      return Files.readSymbolicLink(fd).toString();
    } catch (IOException e) {
      return ""; // closed since listing, e.g. the directory stream's own fd
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
