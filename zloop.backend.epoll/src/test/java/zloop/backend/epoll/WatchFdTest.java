package zloop.backend.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.io.TempDir;
import zloop.engine.spi.Backend;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SocketKind;
import zloop.posix.ErrnoCapture;
import zloop.posix.FileNames;
import zloop.posix.Libc;
import zloop.test.support.Pipe;
import zloop.test.support.SpiDriver;

/** Raw descriptors watched through {@link Backend#watchFd}, on a pipe. */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class WatchFdTest {

  private SpiDriver h;
  private Pipe pipe;
  private final List<String> ready = new ArrayList<>();

  @BeforeEach
  void open() throws IOException {
    h = new SpiDriver(new EpollBackendProvider());
    pipe = new Pipe();
  }

  @AfterEach
  void close() {
    pipe.close();
    h.close();
  }

  private void record(int fd, int bits) {
    ready.add(
        (fd == pipe.readFd ? "r" : fd == pipe.writeFd ? "w" : "fd" + fd)
            + ((bits & Backend.READABLE) != 0 ? "R" : "")
            + ((bits & Backend.WRITABLE) != 0 ? "W" : ""));
  }

  @Test
  void changingInterestKeepsOneRegistration() throws IOException {
    h.backend.watchFd(pipe.writeFd, Backend.READABLE, this::record);
    assertEquals(0, h.backend.poll(0), "a pipe's write end never reads");
    h.backend.watchFd(pipe.writeFd, Backend.READABLE | Backend.WRITABLE, this::record);
    h.pollUntil("writable", () -> !ready.isEmpty());
    assertEquals("wW", ready.get(0));
    assertEquals(1, ((EpollBackend) h.backend).registrations());
    h.backend.watchFd(pipe.writeFd, 0, null);
  }

  @Test
  void hangUpWakesTheReader() throws IOException {
    h.backend.watchFd(pipe.readFd, Backend.READABLE, this::record);
    pipe.closeWriteEnd();
    h.pollUntil("hang-up", () -> !ready.isEmpty());
    assertEquals("rR", ready.get(0));
    h.backend.watchFd(pipe.readFd, 0, null);
  }

  @Test
  void descriptorsEpollCannotWatchAreRejected(@TempDir Path dir) throws IOException {
    assertThrows(
        IllegalArgumentException.class,
        () -> h.backend.watchFd(-1, Backend.READABLE, this::record));
    assertThrows(
        IllegalArgumentException.class,
        () -> h.backend.watchFd(pipe.readFd, 4, this::record),
        "unknown interest bits");

    Pipe closed = new Pipe();
    int stale = closed.readFd;
    closed.close();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> h.backend.watchFd(stale, Backend.READABLE, this::record));
    assertTrue(e.getMessage().contains("EBADF"), e.getMessage());

    Path file = Files.writeString(dir.resolve("f"), "x");
    try (Arena arena = Arena.ofConfined()) {
      ErrnoCapture errno = new ErrnoCapture(arena);
      MemorySegment name = FileNames.toNative(file, arena.allocate(FileNames.PATH_MAX));
      int fd = Libc.open(name, Libc.O_RDONLY | Libc.O_CLOEXEC, errno);
      assertTrue(fd >= 0);
      try {
        IllegalArgumentException regular =
            assertThrows(
                IllegalArgumentException.class,
                () -> h.backend.watchFd(fd, Backend.READABLE, this::record));
        assertTrue(regular.getMessage().contains("EPERM"), regular.getMessage());
      } finally {
        Libc.close(fd, errno);
      }
    }
    assertEquals(0, ((EpollBackend) h.backend).registrations(), "failed watches leave nothing behind");
  }

  @Test
  void aSocketOfTheLoopCannotBeWatchedTwice() throws IOException {
    SocketHandle s = h.backend.openSocket(SocketKind.TCP4);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    s.listen(1);
    h.accept(s); // in epoll now
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> h.backend.watchFd(s.fd(), Backend.READABLE, this::record));
    assertTrue(e.getMessage().contains("EEXIST"), e.getMessage());
  }
}
