package zloop.backend.iouring;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicInteger;
import zloop.posix.Downcalls;
import zloop.posix.Errno;
import zloop.posix.ErrnoCapture;
import zloop.posix.Libc;

/**
 * An eventfd(2) counter used as a wake-up: any thread {@link #signal}s it, a poll on the ring
 * reports it readable, and the loop {@link #drain}s it.
 *
 * <p>Thread rules: {@link #signal} from any thread, never blocking, and a no-op once {@link #close}
 * has begun (it never writes to a descriptor number the kernel may have reused); everything else
 * on the loop thread, with the loop's {@link ErrnoCapture}.
 */
@SuppressWarnings("restricted") // binding eventfd is this class's job
final class EventFd implements AutoCloseable {

  static final int EFD_CLOEXEC = 02000000;
  static final int EFD_NONBLOCK = 04000;

  // int eventfd(unsigned int initval, int flags);
  private static final MethodHandle EVENTFD =
      Linker.nativeLinker()
          .downcallHandle(
              Downcalls.symbol("eventfd"),
              FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT),
              Downcalls.CAPTURE_ERRNO);

  /** The 8-byte 1 each signal adds; read-only after this, so writers on any thread share it. */
  private static final MemorySegment ONE = Arena.global().allocate(JAVA_LONG);

  static {
    ONE.set(JAVA_LONG, 0, 1L);
  }

  /** Set in {@link #state} by {@link #close}; the bits below count signals inside write(2). */
  private static final int CLOSED = 1 << 30;

  private final int fd;
  private final MemorySegment counter;
  private final ErrnoCapture errno;
  private final AtomicInteger state = new AtomicInteger();

  private EventFd(int fd, MemorySegment counter, ErrnoCapture errno) {
    this.fd = fd;
    this.counter = counter;
    this.errno = errno;
  }

  /** A new non-blocking, close-on-exec eventfd at 0; {@code arena} holds the drain buffer. */
  static EventFd open(Arena arena, ErrnoCapture errno) throws IOException {
    MemorySegment counter = arena.allocate(JAVA_LONG);
    int fd;
    try {
      fd = (int) EVENTFD.invokeExact(errno.segment(), 0, EFD_CLOEXEC | EFD_NONBLOCK);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
    if (fd < 0) {
      throw Errno.exception("eventfd", errno.get());
    }
    return new EventFd(fd, counter, errno);
  }

  int fd() {
    return fd;
  }

  /** Makes the eventfd readable. Any thread. {@code EAGAIN} (counter full) means it is already. */
  void signal() {
    if ((state.getAndIncrement() & CLOSED) == 0) {
      Libc.writeIgnoringErrno(fd, ONE, Long.BYTES);
    }
    state.getAndDecrement();
  }

  /** Resets the counter to 0. Loop thread. {@code EAGAIN}: it was 0 already. */
  void drain() throws IOException {
    long n = Libc.read(fd, counter, Long.BYTES, errno);
    if (n < 0 && n != -Errno.EAGAIN) {
      throw Errno.exception("read of the wake-up eventfd", (int) -n);
    }
  }

  /** Closes the eventfd once the signals inside write(2) are done; later ones write nothing. */
  @Override
  public void close() throws IOException {
    if ((state.getAndUpdate(s -> s | CLOSED) & CLOSED) != 0) {
      return;
    }
    while (state.get() != CLOSED) {
      Thread.onSpinWait(); // a signal is inside one non-blocking write: microseconds
    }
    Errno.check("close", Libc.close(fd, errno));
  }
}
