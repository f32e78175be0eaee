package zloop.backend.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import zloop.engine.spi.Backend;
import zloop.test.support.RecordingContext;

/** The epoll backend opened straight from its provider, without a loop. */
@Timeout(value = 30, threadMode = ThreadMode.SEPARATE_THREAD)
class EpollBackendTest {

  private final RecordingContext context = new RecordingContext();
  private Backend backend;

  @BeforeEach
  void open() throws IOException {
    backend = new EpollBackendProvider().open(context);
  }

  @AfterEach
  void close() {
    backend.close();
    assertEquals(List.of(), context.errors);
  }

  @Test
  void pollWithoutWaitingFindsNothing() throws IOException {
    assertEquals(0, backend.poll(0));
  }

  @Test
  void wakeupFromAnotherThreadEndsAnUnboundedPoll() throws Exception {
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
  void wakeupBeforePollEndsTheNextPoll() throws IOException {
    backend.wakeup();
    assertEquals(1, backend.poll(-1));
    assertEquals(0, backend.poll(0));
  }

  @Test
  void wakeupsCoalesceIntoOneEvent() throws IOException {
    backend.wakeup();
    backend.wakeup();
    backend.wakeup();
    assertEquals(1, backend.poll(0));
    assertEquals(0, backend.poll(0));
  }

  @Test
  void pollWithTimeoutReturns() throws IOException {
    assertEquals(0, backend.poll(50_000_000L));
  }

  @Test
  void closeIsIdempotentAndLaterWakeupsDoNothing() {
    backend.close();
    backend.close();
    backend.wakeup();
    assertThrows(IllegalStateException.class, () -> backend.poll(0));
  }

  @Test
  void closeReleasesBothDescriptors() throws IOException {
    backend.close();
    backend = new EpollBackendProvider().open(context); // warmed up: classes loaded, fds settled
    backend.close();
    int before = openFds().size();
    long epollBefore = openFds("anon_inode:[eventpoll]");
    long eventfdBefore = openFds("anon_inode:[eventfd]");

    backend = new EpollBackendProvider().open(context);
    assertEquals(epollBefore + 1, openFds("anon_inode:[eventpoll]"));
    assertEquals(eventfdBefore + 1, openFds("anon_inode:[eventfd]"));
    backend.close();

    assertEquals(epollBefore, openFds("anon_inode:[eventpoll]"));
    assertEquals(eventfdBefore, openFds("anon_inode:[eventfd]"));
    assertEquals(before, openFds().size());
  }

  private static List<Path> openFds() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.toList();
    }
  }

  private static long openFds(String target) throws IOException {
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
