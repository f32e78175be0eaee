package zloop.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * libc's file-descriptor calls, bound once through FFM: open(2), read(2), pread(2), write(2),
 * close(2).
 *
 * <p>Raw convention: a call returns {@code >= 0} on success and {@code -errno} on failure, with
 * errno captured into the caller's {@link ErrnoCapture}; {@code EINTR} is retried here, every other
 * errno ({@code EAGAIN} included) is the caller's to handle. Buffers must be native segments.
 *
 * <p>Loading this class links native functions: check {@link NativeAccess} first.
 */
@SuppressWarnings("restricted") // binding libc is this class's job
public final class Libc {

  // open(2) flags, the host's (O_CLOEXEC is 02000000 on Linux, 0x01000000 on macOS).
  public static final int O_RDONLY = 0;
  public static final int O_CLOEXEC = PosixAbi.host().value("O_CLOEXEC");

  private static final Linker LINKER = Linker.nativeLinker();

  // int open(const char *pathname, int flags, ... /* mode_t mode */);
  // Variadic: the mode (unused without O_CREAT) is passed as the variadic int it is in C.
  private static final MethodHandle OPEN =
      LINKER.downcallHandle(
          Downcalls.symbol("open"),
          FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
          Linker.Option.firstVariadicArg(2),
          Downcalls.CAPTURE_ERRNO);

  // int close(int fd);
  private static final MethodHandle CLOSE =
      LINKER.downcallHandle(
          Downcalls.symbol("close"),
          FunctionDescriptor.of(JAVA_INT, JAVA_INT),
          Downcalls.CAPTURE_ERRNO);

  // ssize_t read(int fd, void *buf, size_t count);
  private static final MethodHandle READ =
      LINKER.downcallHandle(
          Downcalls.symbol("read"),
          FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG),
          Downcalls.CAPTURE_ERRNO);

  // ssize_t pread(int fd, void *buf, size_t count, off_t offset);
  private static final MethodHandle PREAD =
      LINKER.downcallHandle(
          Downcalls.symbol("pread"),
          FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG),
          Downcalls.CAPTURE_ERRNO);

  // ssize_t write(int fd, const void *buf, size_t count);
  private static final MethodHandle WRITE =
      LINKER.downcallHandle(
          Downcalls.symbol("write"),
          FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG),
          Downcalls.CAPTURE_ERRNO);

  // The same write without errno, for callers on any thread that own no capture.
  private static final MethodHandle WRITE_NO_ERRNO =
      LINKER.downcallHandle(
          Downcalls.symbol("write"),
          FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));

  // char *strerror(int errnum); the text is a NUL-terminated string of unknown length.
  private static final MethodHandle STRERROR =
      LINKER.downcallHandle(
          Downcalls.symbol("strerror"),
          FunctionDescriptor.of(
              ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(Long.MAX_VALUE, JAVA_BYTE)),
              JAVA_INT));

  private Libc() {}

  /**
   * Opens the file named by {@code path} (a NUL-terminated native string): the new descriptor, or
   * {@code -errno}. {@code flags} should include {@link #O_CLOEXEC}; no file is ever created.
   */
  public static int open(MemorySegment path, int flags, ErrnoCapture errno) {
    try {
      while (true) {
        int fd = (int) OPEN.invokeExact(errno.segment(), path, flags, 0);
        if (fd >= 0) {
          return fd;
        }
        int e = errno.get();
        if (e != Errno.EINTR) {
          return -e; // EINTR only while waiting on a FIFO's other end: nothing was opened
        }
      }
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /**
   * Closes {@code fd}: {@code 0}, or {@code -errno}. Never retried: on Linux the descriptor is
   * released even when close reports {@code EINTR}, and closing it again could close a descriptor
   * another thread has just been given, so {@code EINTR} counts as success.
   */
  public static int close(int fd, ErrnoCapture errno) {
    int result;
    try {
      result = (int) CLOSE.invokeExact(errno.segment(), fd);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
    if (result < 0) {
      int e = errno.get();
      return e == Errno.EINTR ? 0 : -e;
    }
    return result;
  }

  /**
   * Reads up to {@code count} bytes at {@code offset} into {@code buf}, leaving the file position
   * alone: the count read (0 at or past the end), or -errno.
   */
  public static long pread(int fd, MemorySegment buf, long count, long offset, ErrnoCapture errno) {
    try {
      while (true) {
        long n = (long) PREAD.invokeExact(errno.segment(), fd, buf, count, offset);
        if (n >= 0) {
          return n;
        }
        int e = errno.get();
        if (e != Errno.EINTR) {
          return -e;
        }
      }
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** Reads up to {@code count} bytes into {@code buf}: the count read (0 at EOF), or -errno. */
  public static long read(int fd, MemorySegment buf, long count, ErrnoCapture errno) {
    try {
      while (true) {
        long n = (long) READ.invokeExact(errno.segment(), fd, buf, count);
        if (n >= 0) {
          return n;
        }
        int e = errno.get();
        if (e != Errno.EINTR) {
          return -e;
        }
      }
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** Writes up to {@code count} bytes from {@code buf}: the count written, or {@code -errno}. */
  public static long write(int fd, MemorySegment buf, long count, ErrnoCapture errno) {
    try {
      while (true) {
        long n = (long) WRITE.invokeExact(errno.segment(), fd, buf, count);
        if (n >= 0) {
          return n;
        }
        int e = errno.get();
        if (e != Errno.EINTR) {
          return -e;
        }
      }
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /**
   * Writes without capturing errno: the count written, or {@code -1} for any failure. Safe from any
   * thread because it touches no capture; only for non-blocking descriptors (which never report
   * {@code EINTR}) and callers that do not need the reason, such as a wake-up signal.
   */
  public static long writeIgnoringErrno(int fd, MemorySegment buf, long count) {
    try {
      return (long) WRITE_NO_ERRNO.invokeExact(fd, buf, count);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** libc's text for {@code errno}; use {@link Errno#strerror}. */
  static String strerror(int errno) {
    try {
      MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
      return text.getString(0);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }
}
