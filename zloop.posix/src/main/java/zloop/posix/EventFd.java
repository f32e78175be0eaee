package zloop.posix;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * An eventfd(2) counter used as a wake-up: any thread {@link #signal}s it, the loop sees it
 * readable (epoll_wait, or a poll on an io_uring) and {@link #drain}s it. Shared by the
 * native backends.
 *
 * <p>Thread rules: {@link #signal} from any thread; everything else on the loop thread. The loop
 * side uses the loop's {@link ErrnoCapture}; the signal side captures no errno (its failures need
 * no reason, see {@link #signal}) and writes from one constant segment shared by all writers.
 */
@SuppressWarnings("restricted") // binding eventfd is this class's job
public final class EventFd implements AutoCloseable {

  // eventfd flags.
  public static final int EFD_CLOEXEC = 02000000;
  public static final int EFD_NONBLOCK = 04000;

  // int eventfd(unsigned int initval, int flags);
  private static final MethodHandle EVENTFD =
      Linker.nativeLinker()
          .downcallHandle(
              Downcalls.symbol("eventfd"),
              FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT),
              Downcalls.CAPTURE_ERRNO);

  /** The 8-byte 1 every signal adds; read-only after this, so writers on any thread share it. */
  private static final MemorySegment ONE = Arena.global().allocate(JAVA_LONG);

  static {
    ONE.set(JAVA_LONG, 0, 1L);
  }

  private final int fd;
  private final MemorySegment drainBuffer;
  private final ErrnoCapture errno;

  /**
   * close() waits for the {@link #signal} calls inside {@code write}, so a late signal never writes
   * 8 bytes into a descriptor number the kernel has already handed to someone else.
   */
  private final CloseGate gate = new CloseGate();

  private EventFd(int fd, MemorySegment drainBuffer, ErrnoCapture errno) {
    this.fd = fd;
    this.drainBuffer = drainBuffer;
    this.errno = errno;
  }

  /**
   * A new non-blocking, close-on-exec eventfd with counter 0.
   *
   * @param arena holds the drain buffer; must outlive this object
   * @param errno the loop's capture, used by {@link #drain} and {@link #close}
   */
  public static EventFd open(Arena arena, ErrnoCapture errno) throws IOException {
    MemorySegment drainBuffer = arena.allocate(JAVA_LONG);
    int fd;
    try {
      fd = (int) EVENTFD.invokeExact(errno.segment(), 0, EFD_CLOEXEC | EFD_NONBLOCK);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
    if (fd < 0) {
      throw Errno.exception("eventfd", errno.get());
    }
    return new EventFd(fd, drainBuffer, errno);
  }

  public int fd() {
    return fd;
  }

  /**
   * Makes the eventfd readable. Any thread; never blocks. Failure needs no handling: {@code EAGAIN}
   * means the counter is full, so it is readable already; after {@link #close} nothing is written
   * at all.
   */
  public void signal() {
    if (gate.enter()) {
      Libc.writeIgnoringErrno(fd, ONE, Long.BYTES);
    }
    gate.exit();
  }

  /** Resets the counter so the eventfd is no longer readable. {@code EAGAIN}: nothing to drain. */
  public void drain() throws IOException {
    long n = Libc.read(fd, drainBuffer, Long.BYTES, errno);
    if (n < 0 && n != -Errno.EAGAIN) {
      throw Errno.exception("read", (int) -n);
    }
  }

  /**
   * Closes the eventfd once in-flight signals finish; later signals do nothing. Idempotent.
   *
   * @throws IOException if close(2) failed; the descriptor is released all the same
   */
  @Override
  public void close() throws IOException {
    if (!gate.close()) {
      return;
    }
    Errno.check("close", Libc.close(fd, errno));
  }
}
